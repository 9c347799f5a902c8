"""Dead ends 3 and 4 of the participant's phone: checking in without a camera (the 6 digits of
the screen, typed on the home page), and a phone not signed in that scans the screen."""

import re
from datetime import timedelta

import pytest

from flashcoop.core.clock import utcnow
from flashcoop.core.errors import ValidationError
from flashcoop.workshops import attendance as att
from flashcoop.workshops import checkin_codes
from flashcoop.workshops.models import Attendance
from tests.factories import bearer, csrf_from, login, make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


@pytest.fixture
async def setup(app):
    facilitator = await make_user()
    now = utcnow()
    cohort = await make_cohort(facilitator=facilitator, starts_at=now - timedelta(days=1))
    workshop = await make_workshop(cohort, starts_at=now - timedelta(minutes=5))
    member = await make_participant(cohort, "Mariam", pin="2468")
    return facilitator, cohort, workshop, member


async def test_screen_and_api_give_six_digits_from_the_same_window(client, settings, setup):
    facilitator, _cohort, workshop, _member = setup
    response = await client.get(
        f"/api/v1/workshops/{workshop.id}/checkin", headers=await bearer(facilitator)
    )
    data = response.json()
    assert re.fullmatch(r"[0-9]{6}", data["short_code"])
    assert data["short_code"] == att.current_short_code(settings, workshop)
    assert set(data) >= {"code", "short_code", "expires_at", "qr_svg"}
    # The staff screen shows them big, in two groups of three.
    await login(client, facilitator)
    page = await client.get(f"/workshops/{workshop.id}/checkin")
    short = att.current_short_code(settings, workshop)
    assert f'id="checkin-short-code">{short[:3]}&#8239;{short[3:]}<' in page.text
    assert "6 chiffres" in page.text


async def test_typed_digits_check_in_and_are_recorded_as_typed(client, settings, setup):
    _f, _c, workshop, member = setup
    short = att.current_short_code(settings, workshop)
    response = await client.post(
        f"/api/v1/workshops/{workshop.id}/checkin",
        json={"code": f" {short[:3]} {short[3:]} "},
        headers=await bearer(member),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "present"
    assert response.json()["method"] == "code"


async def test_typed_digits_last_longer_than_a_scan_but_not_forever(settings, setup):
    _f, _c, workshop, _m = setup
    rotation = timedelta(seconds=settings.checkin_rotation_seconds)
    now = utcnow()
    short = att.current_short_code(settings, workshop, now)
    code, _ = att.current_code(settings, workshop, now)
    later = now + 2 * rotation
    assert checkin_codes.code_method(settings, workshop, short, later) == "code"
    assert checkin_codes.code_method(settings, workshop, code, later) is None
    much_later = now + checkin_codes.TYPED_GRACE + 2 * rotation
    assert checkin_codes.code_method(settings, workshop, short, much_later) is None
    # Another workshop's digits are not this one's (a 1 in a million clash aside).
    other = await make_workshop(_c, starts_at=now - timedelta(minutes=1), title="Autre")
    assert att.current_short_code(settings, other, now) != short
    for wrong in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert checkin_codes.code_method(settings, workshop, wrong, now) is None


async def test_wrong_digits_are_limited_per_member(client, settings, setup):
    _f, _c, workshop, member = setup
    headers = await bearer(member)
    url = f"/api/v1/workshops/{workshop.id}/checkin"
    short = att.current_short_code(settings, workshop)
    wrong = f"{(int(short) + 1) % 1_000_000:06d}"
    for _ in range(att.CHECKIN_MAX_FAILURES):
        response = await client.post(url, json={"code": wrong}, headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_checkin_code"
    # Now even the right code waits: the digits cannot be tried out one by one.
    blocked = await client.post(url, json={"code": short}, headers=headers)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert await Attendance.filter(participant_id=member.id).count() == 0
    # Another member is not held back by it.
    other = await make_participant(_c, "Zoé")
    ok = await client.post(url, json={"code": short}, headers=await bearer(other))
    assert ok.status_code == 200


async def test_the_scan_page_does_not_take_digits_in_its_link(client, settings, setup):
    # Only the typed form counts wrong tries: a link with the 6 digits opens nothing.
    _f, _c, workshop, member = setup
    short = att.current_short_code(settings, workshop)
    page = await client.get(
        f"/w/{workshop.id}/checkin", params={"code": short}, headers=await bearer(member)
    )
    assert page.status_code == 422
    assert 'name="ticket"' not in page.text
    assert 'name="code"' in page.text  # ...but the page offers the field to type them


async def test_home_offers_the_field_during_the_workshop_then_says_checked_in(
    client, settings, setup
):
    _f, cohort, workshop, member = setup
    tomorrow = await make_workshop(cohort, starts_at=utcnow() + timedelta(days=1), title="Demain")
    headers = await bearer(member)
    home = await client.get("/me", headers=headers)
    assert home.status_code == 200
    assert f'action="/w/{workshop.id}/checkin"' in home.text
    assert f'action="/w/{tomorrow.id}/checkin"' not in home.text  # not open yet
    assert 'autocomplete="one-time-code"' in home.text
    wrong = await client.post(f"/w/{workshop.id}/checkin", data={"code": "000000"}, headers=headers)
    if att.current_short_code(settings, workshop) != "000000":
        assert wrong.status_code == 422
        assert 'aria-invalid="true"' in wrong.text and 'value="000000"' in wrong.text
        assert "6 chiffres" in wrong.text
    short = att.current_short_code(settings, workshop)
    done = await client.post(f"/w/{workshop.id}/checkin", data={"code": short}, headers=headers)
    assert done.status_code == 303
    assert done.headers["location"] == f"/w/{workshop.id}/checkin"
    status = await client.get(done.headers["location"], headers=headers)
    assert status.status_code == 200 and 'id="checked-in"' in status.text
    row = await Attendance.get(workshop_id=workshop.id, participant_id=member.id)
    assert row.status == "present" and row.method == "code"
    home = await client.get("/me", headers=headers)
    assert f'action="/w/{workshop.id}/checkin"' not in home.text
    assert "Vous avez pointé" not in home.text and "Votre présence est notée" in home.text


async def test_phone_not_signed_in_signs_in_there_and_is_checked_in(client, settings, setup):
    _f, _c, workshop, member = setup
    code, _ = att.current_code(settings, workshop)
    url = f"/w/{workshop.id}/checkin"
    page = await client.get(url, params={"code": code})
    assert page.status_code == 401
    # The participant sign-in (name and PIN), not the staff e-mail and password.
    assert 'name="display_name"' in page.text and 'name="pin"' in page.text
    assert 'href="/login"' not in page.text and 'name="password"' not in page.text
    scan_pass = re.search(r'name="pass" value="([^"]+)"', page.text).group(1)
    token = csrf_from(page.text)
    wrong = await client.post(
        url,
        data={"pass": scan_pass, "display_name": "Mariam", "pin": "0000", "csrf_token": token},
    )
    assert wrong.status_code == 409
    assert 'aria-invalid="true"' in wrong.text and 'name="pass"' in wrong.text
    assert await Attendance.filter(participant_id=member.id).count() == 0
    done = await client.post(
        url,
        data={"pass": scan_pass, "display_name": "mariam", "pin": "2468", "csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["location"] == url
    back = await client.get(url)
    assert back.status_code == 200 and 'id="checked-in"' in back.text
    row = await Attendance.get(workshop_id=workshop.id, participant_id=member.id)
    assert row.status == "present" and row.method == "qr"
    assert (await client.get("/me")).status_code == 200  # signed in on this phone now


async def test_sign_in_at_check_in_needs_a_fresh_scan(client, settings, setup):
    _f, _c, workshop, member = setup
    url = f"/w/{workshop.id}/checkin"
    old, _ = att.current_code(settings, workshop, utcnow() - timedelta(minutes=5))
    expired = await client.get(url, params={"code": old})
    assert expired.status_code == 401
    assert 'name="pin"' not in expired.text and 'id="checkin-expired"' in expired.text
    assert 'href="/login"' not in expired.text
    token = csrf_from(expired.text)
    stale = att.scan_pass(settings, workshop, att.current_code(settings, workshop)[0])
    stale_at = att.pass_moment(settings, workshop, stale)
    assert stale_at is not None
    assert att.pass_moment(settings, workshop, stale, stale_at + att.PASS_LIFETIME) is None
    for forged in ("", "123.abc", stale[:-2] + "00", "99999999999999999999.x"):
        response = await client.post(
            url,
            data={"pass": forged, "display_name": "Mariam", "pin": "2468", "csrf_token": token},
        )
        assert response.status_code == 422, forged
    assert await Attendance.filter(participant_id=member.id).count() == 0
    assert (await client.get("/me")).status_code in (302, 303, 401)
    with pytest.raises(ValidationError):
        att.scan_pass(settings, workshop, att.current_short_code(settings, workshop))
    unknown = await client.get("/w/not-a-uuid/checkin", params={"code": "x"})
    assert unknown.status_code == 404


async def test_member_of_another_cohort_on_a_shared_phone_gets_the_sign_in(client, settings, setup):
    _f, _c, workshop, _member = setup
    stranger = await make_participant(await make_cohort(), "Zoé")
    code, _ = att.current_code(settings, workshop)
    page = await client.get(
        f"/w/{workshop.id}/checkin", params={"code": code}, headers=await bearer(stranger)
    )
    assert page.status_code == 401 and 'name="pin"' in page.text
