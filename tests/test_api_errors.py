"""Every non-success answer under /api/ has the error shape, whatever produced it."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.routing import Route

from flashcoop.app import create_app
from flashcoop.core import db
from tests.factories import bearer, csrf_from, login, make_cohort, make_user


def assert_error_shape(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


async def test_a_method_a_route_does_not_take_is_405_in_the_error_shape(client):
    assert_error_shape(await client.delete("/api/v1/cohorts"), 405, "method_not_allowed")


async def test_an_unknown_api_path_is_404_in_the_error_shape(client):
    assert_error_shape(await client.get("/api/v1/nothing-here"), 404, "not_found")


async def test_a_cookie_session_without_csrf_token_gets_403_in_the_error_shape(client):
    user = await make_user(role="facilitator")
    cohort = await make_cohort(facilitator=user)
    await login(client, user)
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries",
        json={"id": "0b6a7f0e-3a39-4a47-9a0b-1a1e2b7f9d10", "kind": "sale", "amount": "1.00"},
    )
    assert_error_shape(response, 403, "csrf_failed")


async def test_a_body_too_large_from_a_session_is_413_in_the_error_shape(client):
    user = await make_user(role="facilitator")
    await login(client, user)
    response = await client.post(
        "/api/v1/cohorts", content=b"x" * (3 * 1024 * 1024), headers={"content-type": "text/plain"}
    )
    assert_error_shape(response, 413, "too_large")


async def test_a_fault_is_500_in_the_error_shape_with_no_detail(settings):
    async def boom(request):
        raise RuntimeError("secret detail")

    app = create_app(settings)
    app.router.routes.insert(0, Route("/api/v1/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as c,
    ):
        response = await c.get("/api/v1/boom")
    assert_error_shape(response, 500, "server_error")
    assert "secret detail" not in response.text


async def test_a_declared_body_past_the_api_limit_is_refused_before_reading(client):
    user = await make_user(role="facilitator")
    response = await client.post(
        "/api/v1/cohorts",
        content=b"{" + b" " * (300 * 1024) + b"}",
        headers={**(await bearer(user)), "content-type": "application/json"},
    )
    assert_error_shape(response, 413, "too_large")


async def test_a_chunked_anonymous_body_past_the_limit_is_refused(client):
    async def chunks():
        for _ in range(40):
            yield b" " * 8192

    response = await client.post(
        "/api/v1/join", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 413, "too_large")


@pytest.mark.parametrize(
    "body",
    [
        '{"code": "A\\u0000B", "display_name": "x", "pin": "1234"}',
        '{"code": "\\ud800", "display_name": "x", "pin": "1234"}',
        '{"code": "ABC", "display_name": "x", "pin": 123456789012345678901234567890}',
        '{"code": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"code": NaN}',
    ],
    ids=["nul", "lone-surrogate", "int-past-64-bits", "deep-nesting", "nan"],
)
async def test_a_body_no_database_could_store_is_400_not_500(client, body):
    response = await client.post(
        "/api/v1/join", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 400, "malformed")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_years_at_the_edge_of_the_calendar_are_a_field_error(client, moment):
    user = await make_user(role="facilitator")
    response = await client.post(
        "/api/v1/cohorts",
        json={"name": "Épicerie", "activity": "Épicerie", "starts_at": moment, "ends_at": moment},
        headers=await bearer(user),
    )
    assert_error_shape(response, 422, "invalid")
    assert set(response.json()["error"]["fields"]) >= {"starts_at", "ends_at"}


async def test_private_answers_are_never_stored_by_a_cache(client):
    user = await make_user(role="facilitator")
    assert (await client.get("/api/v1/me", headers=await bearer(user))).headers[
        "cache-control"
    ] == "no-store"
    assert (await client.get("/login")).headers["cache-control"] == "no-store"
    await login(client, user)
    assert (await client.get("/")).headers["cache-control"] == "no-store"


async def test_signing_in_draws_a_new_csrf_token(client):
    user = await make_user(role="facilitator")
    before = csrf_from((await client.get("/login")).text)
    await login(client, user)
    page = await client.get("/account")
    assert page.status_code == 200
    after = csrf_from(page.text)
    assert after and after != before


def test_only_database_faults_count_as_unavailable():
    from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

    assert db.is_unavailable(DBConnectionError("down"))
    assert db.is_unavailable(ConnectionRefusedError())
    assert db.is_unavailable(OperationalError("connection was closed in the middle of operation"))
    assert not db.is_unavailable(IntegrityError("unique"))
    assert not db.is_unavailable(OperationalError("syntax error at or near"))
    assert not db.is_unavailable(RuntimeError("bug"))


async def test_a_database_that_cannot_be_reached_is_503_in_the_error_shape(settings, tmp_path):
    # A server that refuses connections: nothing listens on this port.
    down = replace(settings, database_url="postgres://postgres@127.0.0.1:9/none")
    app = create_app(down)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as c,
    ):
        response = await c.post(
            "/api/v1/join", json={"code": "ABCDEF", "display_name": "Awa", "pin": "1234"}
        )
        assert_error_shape(response, 503, "database_unavailable")
        assert (await c.get("/healthz")).status_code == 503
