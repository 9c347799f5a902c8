"""Sessions end on the server: a cookie replayed after sign-out, a PIN reset or a
facilitator's "sign out every device" no longer signs anyone in; PIN guessing is limited per
member, not only per address."""

from __future__ import annotations

import httpx

from flashcoop.accounts.models import ApiToken
from flashcoop.core.sessions import LiveSession
from tests.factories import bearer, csrf_from, login, make_cohort, make_participant, make_user
from tests.ledger_helpers import sign_in_participant


def _cookie(client: httpx.AsyncClient) -> str:
    return client.cookies["flashcoop_session"]


async def _replay(app, cookie: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as thief:
        thief.cookies.set("flashcoop_session", cookie)
        return await thief.get(path)


async def test_a_staff_cookie_replayed_after_logout_is_refused(app, client):
    user = await make_user("facilitator")
    await login(client, user)
    stolen = _cookie(client)
    assert (await _replay(app, stolen, "/api/v1/me")).status_code == 200
    token = csrf_from((await client.get("/account")).text)
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await _replay(app, stolen, "/api/v1/me")).status_code == 401
    assert await LiveSession.filter(ended_at__isnull=True).count() == 0


async def test_a_participant_cookie_replayed_after_sign_out_is_refused(app, client, settings):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Awa")
    await sign_in_participant(client, settings, member)
    stolen = _cookie(client)
    assert (await _replay(app, stolen, "/api/v1/me")).status_code == 200
    token = csrf_from((await client.get("/me")).text)
    assert (await client.post("/me/signout", data={"csrf_token": token})).status_code == 303
    assert (await _replay(app, stolen, "/api/v1/me")).status_code == 401


async def test_a_pin_reset_ends_sessions_and_api_tokens(app, client, settings):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort, "Awa")
    await sign_in_participant(client, settings, member)
    phone = _cookie(client)
    member_token = await bearer(member)
    assert (await client.get("/api/v1/me", headers=member_token)).status_code == 200
    reset = await client.post(
        f"/api/v1/cohorts/{cohort.id}/participants/{member.id}/pin",
        json={"pin": "4321"},
        headers=await bearer(facilitator),
    )
    assert reset.status_code == 200
    assert (await _replay(app, phone, "/api/v1/me")).status_code == 401
    assert (await client.get("/api/v1/me", headers=member_token)).status_code == 401
    assert await ApiToken.filter(participant_id=member.id, revoked_at=None).count() == 0


async def test_a_facilitator_signs_a_member_out_of_every_device(
    app, client, other_client, settings
):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort, "Awa")
    await sign_in_participant(client, settings, member)
    await sign_in_participant(other_client, settings, member)
    phones = [_cookie(client), _cookie(other_client)]
    member_token = await bearer(member)
    url = f"/api/v1/cohorts/{cohort.id}/participants/{member.id}/sign-out"
    refused = await client.post(url, headers=member_token)
    assert refused.status_code == 403
    answer = await client.post(url, headers=await bearer(facilitator))
    assert answer.status_code == 200
    assert answer.json()["sessions_ended"] == 2
    for phone in phones:
        assert (await _replay(app, phone, "/api/v1/me")).status_code == 401
    assert (await client.get("/api/v1/me", headers=member_token)).status_code == 401
    outsider = await make_user("facilitator", organisation="Autre structure")
    assert (await client.post(url, headers=await bearer(outsider))).status_code == 404


async def test_the_page_signs_a_member_out_of_every_device(app, settings):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort, "Awa")
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as staff,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone,
    ):
        await sign_in_participant(phone, settings, member)
        await login(staff, facilitator)
        page_url = f"/cohorts/{cohort.id}/participants/{member.id}/pin"
        token = csrf_from((await staff.get(page_url)).text)
        action = f"/cohorts/{cohort.id}/participants/{member.id}/sign-out"
        assert (await staff.post(action, data={"csrf_token": "forged"})).status_code == 403
        done = await staff.post(action, data={"csrf_token": token}, follow_redirects=True)
        assert done.status_code == 200
        assert "every device" in done.text or "tous les appareils" in done.text
        assert (await phone.get("/api/v1/me")).status_code == 401


async def test_pin_guesses_are_limited_per_member_whatever_the_address(app, settings):
    cohort = await make_cohort()
    await make_participant(cohort, "Awa", pin="2468")
    transport = httpx.ASGITransport(app=app)
    answers = []
    for guess in range(12):
        # A different client address each time: the per-address limit never trips.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(f"10.0.0.{guess + 1}", 1234)),
            base_url="http://testserver",
        ) as c:
            response = await c.post(
                "/api/v1/join",
                json={"code": cohort.join_code, "display_name": "Awa", "pin": f"{1000 + guess}"},
            )
            answers.append(response.status_code)
    assert answers[:10] == [409] * 10
    assert answers[10:] == [429, 429]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        right = await c.post(
            "/api/v1/join", json={"code": cohort.join_code, "display_name": "Awa", "pin": "2468"}
        )
    assert right.status_code == 429  # even the right PIN waits: guessing must not pay
