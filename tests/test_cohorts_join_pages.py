"""Joining on a phone: the join page, signing in again, sign-in cards, PIN reset, sign out."""

from __future__ import annotations

import re
from datetime import timedelta

from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from tests.factories import csrf_from, login, make_cohort, make_participant, post_form


def field_error(html: str, field_id: str) -> str:
    pattern = rf'<p class="error" id="e-{re.escape(field_id)}" role="alert">([^<]*)</p>'
    match = re.search(pattern, html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


async def join_by_link(client, code, name="Aïcha", pin="1234"):
    return await post_form(client, f"/j/{code}", f"/j/{code}", {"display_name": name, "pin": pin})


async def test_join_page_asks_only_a_name_and_a_pin(client):
    cohort = await make_cohort(name="Épicerie du quartier")
    page = await client.get(f"/j/{cohort.join_code}")
    assert page.status_code == 200
    assert "Épicerie du quartier" in page.text
    assert 'name="display_name"' in page.text and 'name="pin"' in page.text
    assert 'name="code"' not in page.text
    pin_input = re.search(r'<input id="f-pin"[^>]*>', page.text, re.S).group(0)
    assert 'inputmode="numeric"' in pin_input and 'autocomplete="off"' in pin_input


async def test_join_by_link_signs_in_and_lands_on_home(client):
    cohort = await make_cohort()
    name = "Marie-Hélène O'Brien 🌻"
    response = await join_by_link(client, cohort.join_code, name=name)
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    member = await Participant.get(cohort=cohort)
    assert member.display_name == name
    home = await client.get("/me")
    assert home.status_code == 200
    assert "Marie-Hélène O&#39;Brien 🌻" in home.text


async def test_session_cookie_lasts_the_participant_session_days(client, settings):
    cohort = await make_cohort()
    response = await join_by_link(client, cohort.join_code)
    cookie = response.headers["set-cookie"]
    assert f"Max-Age={settings.participant_session_days * 86400}" in cookie


async def test_code_is_read_loosely(client):
    cohort = await make_cohort()
    spaced = cohort.join_code.lower()[:4] + " " + cohort.join_code.lower()[4:]
    response = await post_form(
        client, "/join", "/join", {"code": spaced, "display_name": "Léa", "pin": "4321"}
    )
    assert response.status_code == 303, response.text


async def test_unknown_code_in_url_is_404_with_a_code_field(client):
    response = await client.get("/j/ZZZZ9999")
    assert response.status_code == 404
    assert 'name="code"' in response.text
    assert (
        field_error(response.text, "code") == "Ce code n&#39;ouvre aucune coopérative. Vérifiez-le."
    )


async def test_unknown_code_typed_is_shown_next_to_the_field(client):
    await make_cohort()
    response = await post_form(
        client, "/join", "/join", {"code": "NOPE2345", "display_name": "Léa", "pin": "1234"}
    )
    assert response.status_code == 404
    assert "Vérifiez-le" in field_error(response.text, "code")
    assert 'value="NOPE2345"' in response.text and 'value="Léa"' in response.text
    assert await Participant.all().count() == 0


async def test_bad_name_and_pin_are_shown_next_to_their_fields(client):
    cohort = await make_cohort()
    response = await join_by_link(client, cohort.join_code, name="x" * 81, pin="12")
    assert response.status_code == 422
    assert field_error(response.text, "display_name") == "80 caractères au maximum."
    assert field_error(response.text, "pin") == "Le code PIN compte 4 à 6 chiffres."
    empty = await join_by_link(client, cohort.join_code, name="  ", pin="12ab")
    assert empty.status_code == 422
    assert field_error(empty.text, "display_name")
    assert field_error(empty.text, "pin")
    assert await Participant.all().count() == 0


async def test_signing_in_again_on_another_phone(client, other_client):
    cohort = await make_cohort()
    await make_participant(cohort, "Mamadou", "4567")
    response = await post_form(
        other_client,
        "/join",
        "/join",
        {"code": cohort.join_code, "display_name": "mamadou", "pin": "4567"},
    )
    assert response.status_code == 303
    assert await Participant.filter(cohort=cohort).count() == 1
    assert "Mamadou" in (await other_client.get("/me")).text


async def test_wrong_pin_is_refused_then_rate_limited(client, settings):
    cohort = await make_cohort()
    await make_participant(cohort, "Mamadou", "4567")
    wrong = await join_by_link(client, cohort.join_code, name="Mamadou", pin="0000")
    assert wrong.status_code == 409
    assert field_error(wrong.text, "display_name")
    for _ in range(settings.join_max_failures):
        last = await join_by_link(client, cohort.join_code, name="Mamadou", pin="0000")
    assert last.status_code == 429
    assert "Trop de tentatives" in last.text
    # Even the right PIN waits now: the limit is per address.
    blocked = await join_by_link(client, cohort.join_code, name="Mamadou", pin="4567")
    assert blocked.status_code == 429


async def test_closed_cohort_refuses_new_members(client):
    now = utcnow()
    cohort = await make_cohort(
        starts_at=now - timedelta(days=3), ends_at=now + timedelta(minutes=1), now=now
    )
    cohort.status = "closed"
    await cohort.save()
    response = await join_by_link(client, cohort.join_code)
    assert response.status_code == 409
    assert "clôturée" in response.text
    assert await Participant.all().count() == 0


async def test_participant_signs_out(client):
    cohort = await make_cohort()
    await join_by_link(client, cohort.join_code)
    home = await client.get("/me")
    assert "/me/signout" in home.text
    response = await client.post("/me/signout", data={"csrf_token": csrf_from(home.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/join"
    assert (await client.get("/me")).status_code == 303


def card_urls(html: str) -> dict[str, str]:
    found = re.findall(r'data-url="([^"]+)".*?<p class="big">([^<]+)</p>', html, re.S)
    return {name: url.replace("http://testserver", "") for url, name in found}


async def test_sign_in_card_signs_the_member_in(client, other_client):
    cohort = await make_cohort()
    await make_participant(cohort, "Léa", "3456")
    await make_participant(cohort, "Aïcha", "1234")
    await login(client, await cohort.created_by)
    page = await client.get(f"/cohorts/{cohort.id}/cards")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    urls = card_urls(page.text)
    assert set(urls) == {"Léa", "Aïcha"}
    response = await other_client.get(urls["Léa"])
    assert response.status_code == 303
    assert "Léa" in (await other_client.get("/me")).text
    forged = await other_client.get(urls["Aïcha"][:-3] + "abc")
    assert forged.status_code == 404


async def test_reset_pin_invalidates_old_pin_card_and_sessions(client, other_client):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Léa", "3456")
    await login(client, await cohort.created_by)
    card = card_urls((await client.get(f"/cohorts/{cohort.id}/cards?participant={member.id}")).text)
    assert list(card) == ["Léa"]
    await other_client.get(card["Léa"])  # the phone is signed in by the card
    assert (await other_client.get("/me")).status_code == 200

    pin_page = f"/cohorts/{cohort.id}/participants/{member.id}/pin"
    bad = await post_form(client, pin_page, pin_page, {"pin": "12"})
    assert bad.status_code == 422
    assert field_error(bad.text, "pin")
    response = await post_form(client, pin_page, pin_page, {"pin": "9876"})
    assert response.status_code == 303

    assert (await other_client.get("/me")).status_code == 303  # signed out
    assert (await other_client.get(card["Léa"])).status_code == 404  # old card is dead
    old = await join_by_link(other_client, cohort.join_code, name="Léa", pin="3456")
    assert old.status_code == 409
    new = await join_by_link(other_client, cohort.join_code, name="Léa", pin="9876")
    assert new.status_code == 303


async def test_a_name_of_exactly_80_characters_is_accepted(client):
    cohort = await make_cohort()
    name = "Ñ" * 79 + "🙂"
    response = await join_by_link(client, cohort.join_code, name=name)
    assert response.status_code == 303
    assert (await Participant.get(cohort=cohort)).display_name == name


async def test_guessing_codes_in_links_is_rate_limited(client, settings):
    for index in range(settings.join_max_failures):
        assert (await client.get(f"/j/GUESS{index:03d}")).status_code == 404
    response = await client.get("/j/GUESS999")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
