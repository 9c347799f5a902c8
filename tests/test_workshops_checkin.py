from datetime import timedelta

import pytest

from flashcoop.core.clock import utcnow
from flashcoop.core.errors import NotFound, ValidationError
from flashcoop.core.qr import qr_svg
from flashcoop.workshops import attendance as att
from flashcoop.workshops.models import Attendance, AttendanceLog
from tests.factories import bearer, make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


@pytest.fixture
async def setup(app, settings):
    facilitator = await make_user()
    now = utcnow()
    cohort = await make_cohort(facilitator=facilitator, starts_at=now - timedelta(days=1))
    workshop = await make_workshop(cohort, starts_at=now - timedelta(minutes=5))
    member = await make_participant(cohort)
    return facilitator, cohort, workshop, member


async def test_staff_gets_rotating_code_with_qr(client, settings, setup):
    facilitator, _cohort, workshop, _member = setup
    response = await client.get(
        f"/api/v1/workshops/{workshop.id}/checkin", headers=await bearer(facilitator)
    )
    assert response.status_code == 200
    data = response.json()
    assert data["qr_svg"].startswith("<svg") or "<svg" in data["qr_svg"][:200]
    # The house's one QR renderer, encoding the check-in link.
    assert data["qr_svg"] == qr_svg(data["url"])
    assert data["url"] == f"http://testserver/w/{workshop.id}/checkin?code={data['code']}"
    assert response.headers["cache-control"] == "no-store"
    now = utcnow()
    assert (
        now
        < att.datetime.fromisoformat(data["expires_at"])
        <= now + timedelta(seconds=settings.checkin_rotation_seconds)
    )


async def test_participant_cannot_read_the_code(client, setup):
    _f, _c, workshop, member = setup
    response = await client.get(
        f"/api/v1/workshops/{workshop.id}/checkin", headers=await bearer(member)
    )
    assert response.status_code == 403


async def test_check_in_with_valid_code_then_again_returns_same(client, settings, setup):
    _f, _c, workshop, member = setup
    code, _ = att.current_code(settings, workshop)
    headers = await bearer(member)
    url = f"/api/v1/workshops/{workshop.id}/checkin"
    first = await client.post(url, json={"code": code}, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "present"
    assert first.json()["method"] == "qr"
    again = await client.post(url, json={"code": code}, headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert await Attendance.filter(workshop_id=workshop.id).count() == 1


async def test_code_rotates_with_one_window_of_grace(settings, setup):
    _f, _c, workshop, _m = setup
    now = utcnow()
    rotation = timedelta(seconds=settings.checkin_rotation_seconds)
    code, _ = att.current_code(settings, workshop, now)
    assert att.code_is_valid(settings, workshop, code, now)
    assert att.code_is_valid(settings, workshop, code, now + rotation)  # grace window
    assert not att.code_is_valid(settings, workshop, code, now + 2 * rotation)  # expired
    assert att.current_code(settings, workshop, now + rotation)[0] != code


async def test_expired_replayed_and_forged_codes_are_422(client, settings, setup):
    _f, cohort, workshop, member = setup
    headers = await bearer(member)
    url = f"/api/v1/workshops/{workshop.id}/checkin"
    old, _ = att.current_code(
        settings, workshop, utcnow() - timedelta(seconds=3 * settings.checkin_rotation_seconds)
    )
    other = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=1))
    other_code, _ = att.current_code(settings, other)
    for code in (old, other_code, "AAAAAAAAAAAAAAAA", "", None, 12):
        response = await client.post(url, json={"code": code}, headers=headers)
        assert response.status_code == 422, code
        assert response.json()["error"]["code"] == "invalid_checkin_code"
    assert await Attendance.filter(participant_id=member.id).count() == 0


async def test_forged_with_another_key_is_refused(settings, setup):
    import dataclasses

    _f, _c, workshop, _m = setup
    forged_settings = dataclasses.replace(settings, secret_key="another-key-" + "y" * 32)
    code, _ = att.current_code(forged_settings, workshop)
    assert not att.code_is_valid(settings, workshop, code)


async def test_late_after_grace_minutes(settings, setup):
    _f, cohort, _w, member = setup
    now = utcnow()
    workshop = await make_workshop(cohort, starts_at=now - timedelta(minutes=30))
    code, _ = att.current_code(settings, workshop, now)
    row = await att.check_in(workshop, cohort, member, code, settings=settings, now=now)
    assert row.status == "late"


async def test_check_in_only_during_the_workshop(client, settings, setup):
    _f, cohort, _w, member = setup
    later = await make_workshop(cohort, starts_at=utcnow() + timedelta(days=2))
    code, _ = att.current_code(settings, later)
    response = await client.post(
        f"/api/v1/workshops/{later.id}/checkin", json={"code": code}, headers=await bearer(member)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "checkin_closed"


async def test_member_of_another_cohort_gets_404(client, settings, setup):
    _f, _c, workshop, _m = setup
    stranger = await make_participant(await make_cohort(), "Zoé")
    code, _ = att.current_code(settings, workshop)
    response = await client.post(
        f"/api/v1/workshops/{workshop.id}/checkin",
        json={"code": code},
        headers=await bearer(stranger),
    )
    assert response.status_code == 404


async def test_roll_call_corrections_are_logged(client, setup):
    facilitator, _c, workshop, member = setup
    headers = await bearer(facilitator)
    url = f"/api/v1/workshops/{workshop.id}/attendance"
    for status in ("absent", "excused", "excused", "late"):
        response = await client.post(
            url, json={"participant_id": str(member.id), "status": status}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    listed = await client.get(url, headers=headers)
    assert listed.json()["items"] == [
        {
            "participant_id": str(member.id),
            "status": "late",
            "checked_in_at": listed.json()["items"][0]["checked_in_at"],
            "method": "roll_call",
        }
    ]
    logs = await AttendanceLog.filter(workshop_id=workshop.id).order_by("id")
    assert [(log.old_status, log.new_status) for log in logs] == [
        ("", "absent"),
        ("absent", "excused"),
        ("excused", "late"),
    ]
    assert {log.changed_by_id for log in logs} == {facilitator.id}
    history = (await client.get(url + "/log", headers=headers)).json()["items"]
    assert [(h["old_status"], h["new_status"], h["changed_by"]) for h in history] == [
        (None, "absent", facilitator.id),
        ("absent", "excused", facilitator.id),
        ("excused", "late", facilitator.id),
    ]
    assert (await client.get(url + "/log", headers=await bearer(member))).status_code == 403
    bad = await client.post(
        url, json={"participant_id": str(member.id), "status": "asleep"}, headers=headers
    )
    assert bad.status_code == 422
    unknown = await client.post(
        url, json={"participant_id": "not-a-uuid", "status": "present"}, headers=headers
    )
    assert unknown.status_code == 404
    participant = await client.post(
        url,
        json={"participant_id": str(member.id), "status": "present"},
        headers=await bearer(member),
    )
    assert participant.status_code == 403


async def test_absent_member_who_turns_up_can_check_in(settings, setup):
    facilitator, cohort, workshop, member = setup
    await att.record_attendance(
        workshop, cohort, participant_id=member.id, status="absent", by=facilitator
    )
    code, _ = att.current_code(settings, workshop)
    row = await att.check_in(workshop, cohort, member, code, settings=settings)
    assert row.status == "present"
    assert await AttendanceLog.filter(workshop_id=workshop.id).count() == 2


async def test_record_attendance_checks_status_then_membership(setup):
    facilitator, cohort, workshop, member = setup
    with pytest.raises(ValidationError) as caught:
        await att.record_attendance(
            workshop, cohort, participant_id=member.id, status="asleep", by=facilitator
        )
    assert set(caught.value.fields) == {"status"}
    stranger = await make_participant(await make_cohort(), "Eve")
    for unknown in (stranger.id, str(stranger.id), "not-a-uuid", ""):
        with pytest.raises(NotFound):
            await att.record_attendance(
                workshop, cohort, participant_id=unknown, status="present", by=facilitator
            )
    row = await att.record_attendance(
        workshop, cohort, participant_id=str(member.id), status="late", by=facilitator
    )
    assert (row.status, row.method) == ("late", "roll_call")


async def test_nothing_changes_after_closure(client, settings, setup):
    facilitator, cohort, workshop, member = setup
    cohort.status = "closed"
    await cohort.save()
    code, _ = att.current_code(settings, workshop)
    response = await client.post(
        f"/api/v1/workshops/{workshop.id}/checkin",
        json={"code": code},
        headers=await bearer(member),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_closed"
    response = await client.post(
        f"/api/v1/workshops/{workshop.id}/attendance",
        json={"participant_id": str(member.id), "status": "present"},
        headers=await bearer(facilitator),
    )
    assert response.status_code == 409


async def test_cancelled_workshop_refuses_check_in(client, settings, setup):
    facilitator, _c, workshop, member = setup
    await client.patch(
        f"/api/v1/workshops/{workshop.id}",
        json={"status": "cancelled"},
        headers=await bearer(facilitator),
    )
    code, _ = att.current_code(settings, workshop)
    response = await client.post(
        f"/api/v1/workshops/{workshop.id}/checkin",
        json={"code": code},
        headers=await bearer(member),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "workshop_cancelled"
