"""A closed cohort is frozen: every write to its books, attendance, assessments and members
is refused (409 `cohort_closed`, translated), through the API and through the pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from flashcoop.certificates.models import Assessment
from flashcoop.closure.engine import close_cohort
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.ledger.models import LedgerEntry
from flashcoop.workshops.models import Attendance, Workshop
from tests.closure_helpers import make_books, report_calls, sell
from tests.factories import bearer, csrf_from, login
from tests.ledger_helpers import sale, sign_in_participant
from tests.workshop_helpers import make_workshop

__all__ = ["report_calls"]
EN = {"Accept-Language": "en"}
CLOSED_EN = "This cohort is closed: nothing can change any more."
CLOSED_FR = "Cette coopérative est clôturée"


@pytest.fixture
async def closed(app, settings, report_calls):
    books = await make_books(("Aïcha", "Bruno"))
    await sell(books, books.members[0], 1200)
    workshop = await make_workshop(books.cohort, starts_at=books.now + timedelta(hours=2))
    assert await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    books.cohort = await Cohort.get(id=books.cohort.id)
    assert books.cohort.status == "closed"
    books.workshop = workshop  # type: ignore[attr-defined]
    books.entry = await LedgerEntry.get(cohort_id=books.cohort.id, seq=1)  # type: ignore[attr-defined]
    return books


async def snapshot(cohort_id) -> tuple[int, ...]:
    return (
        await LedgerEntry.filter(cohort_id=cohort_id).count(),
        await Participant.filter(cohort_id=cohort_id).count(),
        await Workshop.filter(cohort_id=cohort_id).count(),
        await Workshop.filter(cohort_id=cohort_id, status="cancelled").count(),
        await Attendance.filter(workshop__cohort_id=cohort_id).count(),
        await Assessment.filter(cohort_id=cohort_id).count(),
    )


def assert_refused(response, *, page: bool = False) -> None:
    assert response.status_code == 409, (response.status_code, response.text[:500])
    if page:
        assert CLOSED_EN in response.text
    else:
        error = response.json()["error"]
        assert error["code"] == "cohort_closed"
        assert error["message"] == CLOSED_EN


async def test_the_api_refuses_every_write(client, closed):
    cohort, workshop, entry = closed.cohort, closed.workshop, closed.entry
    member = closed.members[0]
    staff = {**await bearer(closed.facilitator), **EN}
    phone = {**await bearer(member), **EN}
    before = await snapshot(cohort.id)
    soon = (closed.now + timedelta(hours=5)).isoformat()
    later = (closed.now + timedelta(hours=7)).isoformat()
    writes = [
        # ledger
        ("POST", f"/api/v1/cohorts/{cohort.id}/entries", phone, sale()),
        ("POST", f"/api/v1/cohorts/{cohort.id}/entries", staff, sale(kind="expense")),
        (
            "POST",
            f"/api/v1/cohorts/{cohort.id}/entries/{entry.id}/reverse",
            staff,
            {"id": str(uuid.uuid4()), "reason": "Erreur"},
        ),
        # workshops and attendance
        (
            "POST",
            f"/api/v1/cohorts/{cohort.id}/workshops",
            staff,
            {"title": "Bilan", "starts_at": soon, "ends_at": later},
        ),
        ("PATCH", f"/api/v1/workshops/{workshop.id}", staff, {"starts_at": soon, "ends_at": later}),
        ("PATCH", f"/api/v1/workshops/{workshop.id}", staff, {"status": "cancelled"}),
        (
            "POST",
            f"/api/v1/workshops/{workshop.id}/attendance",
            staff,
            {"participant_id": str(member.id), "status": "present"},
        ),
        ("POST", f"/api/v1/workshops/{workshop.id}/checkin", phone, {"code": "123456"}),
        # assessments
        (
            "POST",
            f"/api/v1/cohorts/{cohort.id}/assessments",
            staff,
            {"participant_id": str(member.id), "competence": "1.1", "level": 2},
        ),
        (
            "POST",
            f"/api/v1/cohorts/{cohort.id}/assessments",
            phone,
            {"participant_id": str(member.id), "competence": "1.1", "level": 2, "self": True},
        ),
        # members
        (
            "PATCH",
            f"/api/v1/cohorts/{cohort.id}/participants/{member.id}",
            staff,
            {"role": "treasurer"},
        ),
        (
            "POST",
            "/api/v1/join",
            EN,
            {"code": cohort.join_code, "display_name": "Nouvelle", "pin": "1234"},
        ),
        # joining: neither reopened nor given a new code
        ("PATCH", f"/api/v1/cohorts/{cohort.id}", staff, {"joining_open": False}),
        ("POST", f"/api/v1/cohorts/{cohort.id}/join-code", staff, {}),
    ]
    for method, url, headers, body in writes:
        response = await client.request(method, url, json=body, headers=headers)
        assert_refused(response)
    assert await snapshot(cohort.id) == before
    assert (await Participant.get(id=member.id)).role == "member"
    again = await Cohort.get(id=cohort.id)
    assert (again.join_code, again.joining_open) == (cohort.join_code, cohort.joining_open)


async def test_the_message_is_translated(client, closed):
    response = await client.post(
        f"/api/v1/cohorts/{closed.cohort.id}/entries",
        json=sale(),
        headers=await bearer(closed.members[0]),
    )
    assert response.status_code == 409
    assert CLOSED_FR in response.json()["error"]["message"]


async def test_the_pages_refuse_every_write(client, other_client, settings, closed):
    cohort, workshop, entry = closed.cohort, closed.workshop, closed.entry
    member = closed.members[0]
    before = await snapshot(cohort.id)
    await login(client, closed.facilitator)
    staff_token = csrf_from((await client.get(f"/cohorts/{cohort.id}")).text)
    await sign_in_participant(other_client, settings, member)
    phone_token = csrf_from((await other_client.get("/me/calendar")).text)
    local = (closed.now + timedelta(hours=5)).astimezone(cohort.tz).strftime("%Y-%m-%dT%H:%M")
    local_end = (closed.now + timedelta(hours=7)).astimezone(cohort.tz).strftime("%Y-%m-%dT%H:%M")
    staff_forms = [
        (
            f"/cohorts/{cohort.id}/ledger/entries",
            {"id": str(uuid.uuid4()), "kind": "expense", "amount": "5", "label": "Sucre"},
        ),
        (
            f"/cohorts/{cohort.id}/ledger/{entry.id}/reverse",
            {"id": str(uuid.uuid4()), "reason": "x"},
        ),
        (
            f"/cohorts/{cohort.id}/workshops",
            {"title": "Bilan", "starts_at": local, "ends_at": local_end},
        ),
        (
            f"/workshops/{workshop.id}/edit",
            {"title": "Bilan", "starts_at": local, "ends_at": local_end},
        ),
        (f"/workshops/{workshop.id}/cancel", {}),
        (
            f"/workshops/{workshop.id}/attendance",
            {"participant_id": str(member.id), "status": "present"},
        ),
        (
            f"/cohorts/{cohort.id}/assessments",
            {"participant_id": str(member.id), "competence": "1.1", "level": "2"},
        ),
        (f"/cohorts/{cohort.id}/joining", {"open": "0"}),
        (f"/cohorts/{cohort.id}/join-code", {}),
    ]
    for url, form in staff_forms:
        response = await client.post(url, data={**form, "csrf_token": staff_token}, headers=EN)
        assert_refused(response, page=True)
    phone_forms = [
        (
            f"/cohorts/{cohort.id}/sales",
            {"id": str(uuid.uuid4()), "kind": "sale", "amount": "2.50", "label": "Jus"},
        ),
        (f"/w/{workshop.id}/checkin", {"code": "123456"}),
        ("/me/skills", {"competence": "1.1", "level": "2"}),
    ]
    for url, form in phone_forms:
        response = await other_client.post(
            url, data={**form, "csrf_token": phone_token}, headers=EN
        )
        assert_refused(response, page=True)
    joined = await other_client.post(
        f"/j/{cohort.join_code}",
        data={
            "display_name": "Nouvelle",
            "pin": "1234",
            "pin_confirm": "1234",
            "csrf_token": phone_token,
        },
        headers=EN,
    )
    assert joined.status_code == 409, joined.text[:300]
    assert await snapshot(cohort.id) == before


async def test_members_keep_what_they_need_after_closure(client, settings, closed):
    """Not writes to the cohort: a member can still be given a new PIN (to sign in and fetch
    their certificate), and the staff can still read everything."""
    staff = await bearer(closed.facilitator)
    member = closed.members[0]
    url = f"/api/v1/cohorts/{closed.cohort.id}/participants/{member.id}/pin"
    assert (await client.post(url, json={"pin": "9876"}, headers=staff)).status_code == 200
    for read in ("entries", "ledger", "ledger/verify", "workshops", "participants"):
        response = await client.get(f"/api/v1/cohorts/{closed.cohort.id}/{read}", headers=staff)
        assert response.status_code == 200, read
