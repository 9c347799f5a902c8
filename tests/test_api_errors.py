"""Every non-success answer under /api/ has the error shape, whatever produced it."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager
from starlette.routing import Route

from flashcoop.app import create_app
from tests.factories import login, make_cohort, make_user


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
