"""Retention: members of a cohort closed longer ago than the retention period are anonymised
by a periodic job (clock injected); reports stay as issued; certificates keep the holder's
name (docs/privacy.md, "What the software does on its own")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flashcoop.accounts.models import Organisation
from flashcoop.certificates.models import Certificate
from flashcoop.closure import reports
from flashcoop.closure.models import Report
from flashcoop.cohorts.members import names_by_id
from flashcoop.cohorts.models import Participant
from flashcoop.core.jobs import run_jobs
from flashcoop.core.storage import StoredFile
from flashcoop.domains import house
from flashcoop.privacy.models import AuditEntry
from flashcoop.privacy.retention import (
    months_before,
    retention_months,
    run_retention,
    set_retention_months,
)
from tests.factories import bearer, csrf_from, login, make_user
from tests.report_helpers import make_closed


def test_months_before_clamps_to_the_months_end():
    at = datetime(2027, 3, 31, 12, tzinfo=UTC)
    assert months_before(at, 1) == datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert months_before(at, 12) == datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert months_before(at, 15) == datetime(2025, 12, 31, 12, tzinfo=UTC)


async def test_retention_anonymises_after_the_period_only(app, settings):
    closed = await make_closed()
    await Participant.filter(id=closed.people[0].id).update(
        first_name="Aïcha", last_name="Diallo", email="a@example.org", gender="female"
    )
    closed_at = closed.cohort.closed_at
    assert settings.retention_months == 12
    assert await run_retention(settings, closed_at + timedelta(days=364)) == 0
    assert (await Participant.get(id=closed.people[0].id)).anonymised_at is None
    later = closed_at + timedelta(days=367)
    assert await run_retention(settings, later) == 4
    aicha = await Participant.get(id=closed.people[0].id)
    assert aicha.anonymised_at == later and aicha.erased_at is None
    assert (aicha.display_name, aicha.first_name, aicha.last_name, aicha.email) == (
        "Participant 1",
        "",
        "",
        "",
    )
    assert aicha.pin_hash == "!" and aicha.gender == "female"  # the anonymous answer stays
    names = await names_by_id(closed.cohort.id)
    assert set(names.values()) == {f"Participant {n}" for n in range(1, 5)}
    # The certificate keeps the holder's name: it must stay verifiable as issued.
    certificate = await Certificate.get(participant_id=closed.people[0].id)
    assert certificate.revoked_at is None
    row = await AuditEntry.get(action="participant.anonymised")
    assert row.detail == {"participants": 4, "months": 12} and row.actor == "system"
    assert await run_retention(settings, later + timedelta(days=1)) == 0  # idempotent


async def test_reports_stay_as_issued(app, settings):
    closed = await make_closed()
    await reports.store_closure_reports(
        closed.cohort, closed.closure, settings=settings, now=closed.cohort.closed_at
    )
    before = {
        r.id: (await StoredFile.get(id=r.file_id)).sha256
        for r in await Report.filter(cohort_id=closed.cohort.id)
    }
    assert before
    await run_retention(settings, closed.cohort.closed_at + timedelta(days=400))
    after = {
        r.id: (await StoredFile.get(id=r.file_id)).sha256
        for r in await Report.filter(cohort_id=closed.cohort.id)
    }
    assert after == before


async def test_a_structure_sets_its_own_period(client, settings):
    closed = await make_closed()
    structure = await Organisation.get(id=closed.cohort.structure_id)
    admin = await bearer(await make_user("admin"))
    url = f"/api/v1/organisations/{structure.id}/retention"
    assert (await client.get(url, headers=admin)).json()["months"] == 12
    put = await client.put(url, json={"months": 3}, headers=admin)
    assert put.status_code == 200 and put.json() == {
        "organisation_id": structure.id,
        "months": 3,
        "default": 12,
    }
    for bad in (0, 121, "six", 2.5):
        assert (await client.put(url, json={"months": bad}, headers=admin)).status_code == 422
    staff = await bearer(closed.facilitator)
    assert (await client.put(url, json={"months": 1}, headers=staff)).status_code == 403
    funder_org = f"/api/v1/organisations/{closed.funder_org.id}/retention"
    assert (await client.get(funder_org, headers=admin)).status_code == 404
    assert (await client.get("/api/v1/organisations/x/retention", headers=admin)).status_code == 404
    found = await run_jobs(
        house().jobs,
        settings,
        only=["retention"],
        now=closed.cohort.closed_at + timedelta(days=100),
    )
    assert found == [("retention", 4)]
    await set_retention_months(structure, None)
    assert await retention_months(structure.id, settings) == 12


async def test_open_and_erased_members_are_left_alone(app, settings):
    from tests.report_helpers import make_open

    cohort, *_ = await make_open(names=("Eve",))
    assert await run_retention(settings, cohort.ends_at + timedelta(days=800)) == 0
    closed = await make_closed()
    await Participant.filter(id=closed.people[0].id).update(erased_at=closed.cohort.closed_at)
    assert await run_retention(settings, closed.cohort.closed_at + timedelta(days=400)) == 3


async def test_an_admin_sets_a_structure_period_on_the_page(client, settings):
    closed = await make_closed()
    structure = await Organisation.get(id=closed.cohort.structure_id)
    await login(client, await make_user("admin"))
    page = await client.get("/admin/retention")
    assert page.status_code == 200 and structure.name in page.text
    token = csrf_from(page.text)
    bad = await client.post(
        "/admin/retention",
        data={"organisation": str(structure.id), "months": "500", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422
    assert f'id="e-{structure.id}"' in bad.text and "Between 1 and 120 months." in bad.text
    assert await retention_months(structure.id, settings) == 12
    funder = await client.post(
        "/admin/retention",
        data={"organisation": str(closed.funder_org.id), "months": "6", "csrf_token": token},
    )
    assert funder.status_code == 422
    saved = await client.post(
        "/admin/retention",
        data={"organisation": str(structure.id), "months": "6", "csrf_token": token},
    )
    assert saved.status_code == 303
    assert await retention_months(structure.id, settings) == 6
    back = await client.post(
        "/admin/retention",
        data={"organisation": str(structure.id), "months": "", "csrf_token": token},
    )
    assert back.status_code == 303
    assert await retention_months(structure.id, settings) == 12
    forged = await client.post(
        "/admin/retention", data={"organisation": str(structure.id), "months": "6"}
    )
    assert forged.status_code == 403


async def test_only_admins_see_the_retention_page(client):
    closed = await make_closed()
    await login(client, closed.facilitator)
    assert (await client.get("/admin/retention")).status_code == 403
