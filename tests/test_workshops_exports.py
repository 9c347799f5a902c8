import csv
import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from flashcoop.cohorts.joining import reset_pin
from flashcoop.core.clock import utcnow
from flashcoop.workshops import attendance as att
from flashcoop.workshops.calendar import calendar_token
from flashcoop.workshops.drafts import WorkshopChanges
from flashcoop.workshops.sections import attendance_hours
from flashcoop.workshops.services import cancel_workshop, update_workshop
from tests.factories import bearer, make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


@pytest.fixture
async def cohort_with_attendance(app, settings):
    facilitator = await make_user()
    now = utcnow()
    cohort = await make_cohort(
        facilitator=facilitator, starts_at=now - timedelta(days=3), ends_at=now + timedelta(days=5)
    )
    first = await make_workshop(cohort, starts_at=now - timedelta(days=2), hours=3, title="Pitch")
    second = await make_workshop(cohort, starts_at=now - timedelta(days=1), hours=2.5)
    dropped = await make_workshop(cohort, starts_at=now - timedelta(hours=30), hours=1)
    aicha = await make_participant(cohort, "Aïcha", first_name="Aïcha", last_name="Diallo")
    bob = await make_participant(cohort, "Bob")
    zoe = await make_participant(cohort, "Zoé")
    marks = [
        (first, aicha, "present"),
        (first, bob, "late"),
        (first, zoe, "absent"),
        (second, aicha, "late"),
        (second, bob, "excused"),
        (dropped, aicha, "present"),
    ]
    for workshop, member, status in marks:
        await att.record_attendance(
            workshop, cohort, participant_id=member.id, status=status, by=facilitator, now=now
        )
    await cancel_workshop(dropped, cohort, settings=settings, now=now)
    return facilitator, cohort, (first, second, dropped), (aicha, bob, zoe)


async def test_attended_hours_count_present_and_late_not_cancelled(cohort_with_attendance):
    _f, cohort, _w, (aicha, bob, zoe) = cohort_with_attendance
    hours = await attendance_hours(cohort.id)
    assert hours == {str(aicha.id): 5.5, str(bob.id): 3.0}
    assert str(zoe.id) not in hours


async def test_participants_api_reports_hours(client, cohort_with_attendance):
    facilitator, cohort, _w, (aicha, bob, zoe) = cohort_with_attendance
    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/participants", headers=await bearer(facilitator)
    )
    by_id = {p["id"]: p["attendance_hours"] for p in response.json()["items"]}
    assert by_id == {str(aicha.id): 5.5, str(bob.id): 3.0, str(zoe.id): 0}


async def test_attendance_sheet_pdf_lists_members_and_statuses(client, cohort_with_attendance):
    facilitator, cohort, (first, _s, _d), _m = cohort_with_attendance
    response = await client.get(
        f"/api/v1/workshops/{first.id}/attendance-sheet.pdf",
        headers={**await bearer(facilitator), "Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Attendance sheet",
        "CAE Test",
        "Épicerie test",
        "Pitch",
        "Aïcha (Aïcha Diallo)",
        "Bob",
        "Zoé",
        "Present",
        "Late",
        "Absent",
        "Signature",
        "Facilitator",
    ):
        assert expected in text, expected
    # Times are shown in the cohort's timezone.
    assert first.starts_at.astimezone(cohort.tz).strftime("%H:%M") in text
    assert "Europe/Paris" in text


async def test_attendance_sheet_is_staff_only(client, cohort_with_attendance):
    _f, _c, (first, _s, _d), (aicha, _b, _z) = cohort_with_attendance
    url = f"/api/v1/workshops/{first.id}/attendance-sheet.pdf"
    assert (await client.get(url, headers=await bearer(aicha))).status_code == 403
    outsider = await make_user(organisation="Autre")
    assert (await client.get(url, headers=await bearer(outsider))).status_code == 404


async def test_attendance_summary_csv_and_pdf(client, cohort_with_attendance):
    facilitator, cohort, _w, (aicha, _bob, _zoe) = cohort_with_attendance
    headers = {**await bearer(facilitator), "Accept-Language": "en"}
    response = await client.get(f"/api/v1/cohorts/{cohort.id}/attendance.csv", headers=headers)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_name = {r["name"]: r for r in rows}
    assert by_name["Aïcha (Aïcha Diallo)"]["hours"] == "5.50"
    assert by_name["Bob"]["hours"] == "3.00" and by_name["Bob"]["excused"] == "1"
    assert by_name["Zoé"]["absent"] == "1" and by_name["Zoé"]["hours"] == "0.00"
    assert by_name["Aïcha (Aïcha Diallo)"]["percent"] == "100"
    pdf = await client.get(f"/api/v1/cohorts/{cohort.id}/attendance.pdf", headers=headers)
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Attendance summary" in text and "5.50" in text and "Zoé" in text
    other = await client.get(f"/api/v1/cohorts/{cohort.id}/attendance.json", headers=headers)
    assert other.status_code == 404
    member = await client.get(
        f"/api/v1/cohorts/{cohort.id}/attendance.csv", headers=await bearer(aicha)
    )
    assert member.status_code == 403


async def test_calendar_feed_parses_with_timezone_and_cancelled(
    client, settings, cohort_with_attendance
):
    _f, cohort, (first, second, dropped), (aicha, _b, _z) = cohort_with_attendance
    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/calendar.ics", headers=await bearer(aicha)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{w.id}@flashcoop" for w in (first, second, dropped)}
    pitch = events[f"{first.id}@flashcoop"]
    assert str(pitch["SUMMARY"]) == "Pitch"
    assert pitch["DTSTART"].dt == first.starts_at.replace(microsecond=0)
    assert pitch["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(events[f"{dropped.id}@flashcoop"]["STATUS"]) == "CANCELLED"
    assert int(events[f"{dropped.id}@flashcoop"]["SEQUENCE"]) == 1
    assert str(pitch["STATUS"]) == "CONFIRMED"
    # An update shows up as a higher SEQUENCE on the same UID.
    await update_workshop(
        first,
        cohort,
        WorkshopChanges(title="Pitch au banquier"),
        settings=settings,
        now=cohort.starts_at,
    )
    again = Calendar.from_ical(
        (
            await client.get(
                f"/api/v1/cohorts/{cohort.id}/calendar.ics", headers=await bearer(aicha)
            )
        ).content
    )
    updated = {str(e["UID"]): e for e in again.walk("VEVENT")}[f"{first.id}@flashcoop"]
    assert int(updated["SEQUENCE"]) == int(pitch["SEQUENCE"]) + 1
    assert str(updated["SUMMARY"]) == "Pitch au banquier"
    assert "LAST-MODIFIED" in updated


async def test_calendar_needs_a_member(client, cohort_with_attendance):
    _f, cohort, _w, _m = cohort_with_attendance
    url = f"/api/v1/cohorts/{cohort.id}/calendar.ics"
    assert (await client.get(url)).status_code == 401
    stranger = await make_participant(await make_cohort(), "Eve")
    assert (await client.get(url, headers=await bearer(stranger))).status_code == 404


async def test_subscription_link_is_unguessable_and_revoked_by_new_pin(
    client, settings, cohort_with_attendance
):
    _f, _c, _w, (aicha, _b, _z) = cohort_with_attendance
    token = calendar_token(settings, aicha)
    response = await client.get(f"/ical/{token}.ics")
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 3
    forged = token[:32] + "0" * 32
    assert (await client.get(f"/ical/{forged}.ics")).status_code == 404
    assert (await client.get("/ical/short.ics")).status_code == 404
    await reset_pin(aicha, "9876")
    assert (await client.get(f"/ical/{token}.ics")).status_code == 404
