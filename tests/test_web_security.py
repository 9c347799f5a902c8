"""CSRF, login rate limit, security headers and session cookie flags, through the HTML pages."""

from __future__ import annotations

import re

from tests.factories import PASSWORD, csrf_from, login, make_cohort, make_user


async def test_form_post_without_csrf_token_is_403(client):
    facilitator = await make_user("facilitator")
    await login(client, facilitator)
    cohort = await make_cohort(facilitator=facilitator)
    response = await client.post(f"/cohorts/{cohort.id}/joining", data={"open": "0"})
    assert response.status_code == 403
    wrong = await client.post(
        f"/cohorts/{cohort.id}/joining", data={"open": "0", "csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    await cohort.refresh_from_db()
    assert cohort.joining_open


async def test_anonymous_join_and_login_posts_need_the_token_too(client):
    cohort = await make_cohort()
    await client.get(f"/j/{cohort.join_code}")
    response = await client.post(
        f"/j/{cohort.join_code}", data={"display_name": "Léa", "pin": "1234"}
    )
    assert response.status_code == 403
    login_post = await client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert login_post.status_code == 403


async def test_login_is_rate_limited(client, settings):
    user = await make_user("facilitator")
    page = await client.get("/login")
    token = csrf_from(page.text)
    for _ in range(settings.login_max_failures):
        response = await client.post(
            "/login", data={"email": user.email, "password": "wrong", "csrf_token": token}
        )
        assert response.status_code == 400
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text


async def test_security_headers_on_pages(client):
    for path in ("/login", "/join", "/cohorts/new"):
        response = await client.get(path)
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] in ("same-origin", "strict-origin-when-cross-origin")


async def test_session_cookie_is_httponly_and_samesite_lax(client):
    user = await make_user("facilitator")
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("flashcoop_session=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


async def test_every_csrf_field_of_a_page_carries_the_token(client):
    # Macros imported from _partials.html do not see the page context: pin that the token
    # still reaches every form, not only the one in the header.
    for path in ("/login", "/join"):
        page = await client.get(path)
        values = re.findall(r'name="csrf_token" value="([^"]*)"', page.text)
        assert len(values) >= 2
        assert all(value == values[0] and value for value in values), path


async def test_each_page_carries_a_differently_masked_csrf_token_and_both_work(client):
    # Compressed pages must not repeat one secret byte for byte (BREACH).
    user = await make_user("facilitator")
    await login(client, user)
    first = csrf_from((await client.get("/account")).text)
    second = csrf_from((await client.get("/account")).text)
    assert first != second
    for token in (first, second):
        response = await client.post(
            "/lang", data={"lang": "fr", "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, response.text[:200]
    for forged in ("", "x", "%%%", first[:-4], "é" * 10):
        response = await client.post("/lang", data={"lang": "fr", "csrf_token": forged})
        assert response.status_code == 403
