from flashcoop.core.i18n import negotiate
from tests.factories import csrf_from


def test_negotiate_honours_quality_values():
    assert negotiate("en-GB,en;q=0.9,fr;q=0.8", "fr") == "en"
    assert negotiate("de-DE,fr;q=0.5,en;q=0.9", "fr") == "en"
    assert negotiate("de-DE", "fr") == "fr"
    assert negotiate("", "en") == "en"
    assert negotiate("en;q=0", "fr") == "fr"


async def test_pages_are_french_by_default_and_english_on_request(client):
    french = await client.get("/login")
    assert '<html lang="fr">' in french.text
    assert "Connexion de l'équipe" in french.text
    english = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Staff sign-in" in english.text


async def test_language_switch_is_remembered(client):
    page = await client.get("/login")
    response = await client.post(
        "/lang", data={"lang": "en", "next": "/login", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "Staff sign-in" in (await client.get("/login")).text


async def test_language_switch_never_redirects_off_site(client):
    page = await client.get("/login")
    response = await client.post(
        "/lang",
        data={"lang": "en", "next": "//evil.example/x", "csrf_token": csrf_from(page.text)},
    )
    assert response.headers["location"] == "/"
