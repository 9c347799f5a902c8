import re

from flashcoop.accounts.models import ApiToken, User
from tests.factories import PASSWORD, bearer, csrf_from, login, make_user, post_form


async def test_login_wrong_password_then_right(client):
    user = await make_user("facilitator")
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": user.email, "password": "nope", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 400
    assert "E-mail ou mot de passe incorrect." in response.text
    await login(client, user)
    assert (await client.get("/account")).status_code == 200


async def test_account_page_needs_login(client):
    response = await client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


async def test_change_password_signs_out_other_sessions(client, other_client):
    user = await make_user("facilitator")
    await login(client, user)
    await login(other_client, user)
    bad = await post_form(
        client,
        "/account",
        "/account",
        {
            "action": "password",
            "current_password": "wrong",
            "new_password": "a new long one",
        },
    )
    assert bad.status_code == 422
    assert "Ce n&#39;est pas votre mot de passe actuel." in bad.text
    ok = await post_form(
        client,
        "/account",
        "/account",
        {
            "action": "password",
            "current_password": PASSWORD,
            "new_password": "a new long one",
        },
    )
    assert ok.status_code == 200
    assert (await client.get("/account")).status_code == 200
    assert (await other_client.get("/account")).status_code == 303


async def test_token_shown_once_and_revocable_on_the_page(client):
    user = await make_user("facilitator")
    await login(client, user)
    created = await post_form(client, "/account", "/account", {"action": "token", "name": "ERP"})
    token = re.search(r'id="new-token">(fc_[^<]+)<', created.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/me", headers=headers)).json()["user"]["id"] == user.id
    stored = await ApiToken.get(user_id=user.id)
    assert token not in (stored.token_hash, stored.name)
    assert token not in (await client.get("/account")).text  # shown once only
    await post_form(client, "/account", "/account", {"action": "revoke", "token_id": stored.id})
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_tokens_api(client):
    user = await make_user("funder", organisation="Région")
    headers = await bearer(user)
    created = await client.post("/api/v1/tokens", json={"name": "warehouse"}, headers=headers)
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("fc_")
    listed = (await client.get("/api/v1/tokens", headers=headers)).json()["items"]
    assert {t["name"] for t in listed} == {"warehouse", ""}
    revoked = await client.post(f"/api/v1/tokens/{new['id']}/revoke", headers=headers)
    assert revoked.status_code == 200
    again = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {new['token']}"})
    assert again.status_code == 401
    other = await make_user("facilitator")
    theirs = await client.post(f"/api/v1/tokens/{new['id']}/revoke", headers=await bearer(other))
    assert theirs.status_code == 404


async def test_admin_creates_and_deactivates_staff(client):
    admin = await make_user("admin")
    await login(client, admin)
    bad = await post_form(
        client,
        "/admin/users",
        "/admin/users",
        {
            "email": "not-an-email",
            "role": "facilitator",
            "organisation": "",
            "password": "short",
        },
    )
    assert bad.status_code == 422
    assert "Saisissez une adresse e-mail valide." in bad.text
    assert 'value="not-an-email"' in bad.text
    assert await User.all().count() == 1
    ok = await post_form(
        client,
        "/admin/users",
        "/admin/users",
        {
            "email": "anim@cae.example",
            "role": "facilitator",
            "name": "Anim",
            "organisation": "CAE Nord",
            "password": "long enough pw",
        },
    )
    assert ok.status_code == 303
    created = await User.get(email="anim@cae.example").prefetch_related("organisation")
    assert created.organisation.kind == "structure"
    await post_form(
        client,
        "/admin/users",
        "/admin/users",
        {
            "action": "deactivate",
            "user_id": created.id,
        },
    )
    assert not (await User.get(id=created.id)).is_active


async def test_users_api_is_admin_only(client):
    admin = await make_user("admin")
    facilitator = await make_user("facilitator")
    body = {"email": "f@x.org", "role": "funder", "organisation": "ESF", "password": "12345678"}
    assert (
        await client.post("/api/v1/users", json=body, headers=await bearer(facilitator))
    ).status_code == 403
    created = await client.post("/api/v1/users", json=body, headers=await bearer(admin))
    assert created.status_code == 201
    assert created.json()["role"] == "funder"
    dup = await client.post("/api/v1/users", json=body, headers=await bearer(admin))
    assert dup.status_code == 409
    assert dup.json()["error"]["code"] == "email_taken"
    invalid = await client.post(
        "/api/v1/users", json={**body, "email": "x", "role": "boss"}, headers=await bearer(admin)
    )
    assert invalid.status_code == 422
    assert set(invalid.json()["error"]["fields"]) >= {"email", "role"}
