"""The audit trail: a row for every sensitive action, written in the action's transaction,
readable and filterable by admins (API and page) (docs/privacy.md, "Who did what")."""

from __future__ import annotations

import uuid

import pytest

from flashcoop.certificates.issuing import revoke_certificate
from flashcoop.closure.engine import close_cohort
from flashcoop.core.principal import Principal
from flashcoop.ledger.drafts import Reversal
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.services import reverse_entry
from flashcoop.privacy import audit
from flashcoop.privacy.models import AuditEntry
from flashcoop.workshops.attendance import record_attendance
from flashcoop.workshops.models import Workshop
from tests.closure_helpers import make_books, report_calls  # noqa: F401
from tests.factories import bearer, login, make_user
from tests.privacy_helpers import make_full
from tests.report_helpers import make_closed


async def test_each_sensitive_action_leaves_a_row(client, settings, report_calls):  # noqa: F811
    full = await make_full(settings)  # a reversal by the facilitator
    s = full.s
    staff = Principal(user=s.facilitator)
    reversal = await AuditEntry.get(action="entry.reversed")
    assert reversal.object == f"entry:{full.sale.id}" and reversal.subject_id == s.aicha.id
    assert reversal.actor_user_id == s.facilitator.id and reversal.cohort_id == s.cohort.id
    # An attendance correction (a status changed), not a first roll call.
    workshop = await Workshop.get(cohort_id=s.cohort.id, title="Pitch")
    first_calls = await AuditEntry.filter(action="attendance.corrected").count()
    await record_attendance(
        workshop, s.cohort, participant_id=s.zoe.id, status="absent", by=s.facilitator, now=s.now
    )
    assert await AuditEntry.filter(action="attendance.corrected").count() == first_calls
    await record_attendance(
        workshop, s.cohort, participant_id=s.aicha.id, status="absent", by=s.facilitator, now=s.now
    )
    corrected = await AuditEntry.get(action="attendance.corrected")
    assert corrected.detail == {"old": "present", "new": "absent"}
    # A role change, through the API.
    url = f"/api/v1/cohorts/{s.cohort.id}/participants/{s.bob.id}"
    await client.patch(url, json={"role": "treasurer"}, headers=await bearer(s.facilitator))
    role = await AuditEntry.get(action="participant.changed", subject_id=s.bob.id)
    assert role.detail == {"role": ["member", "treasurer"]}
    # A revocation (a second revocation writes nothing more).
    await revoke_certificate(full.certificate, principal=staff, reason="Erreur", now=s.now)
    await revoke_certificate(full.certificate, principal=staff, reason="Encore", now=s.now)
    assert await AuditEntry.filter(action="certificate.revoked").count() == 1
    # A closure, by the facilitator.
    assert await close_cohort(s.cohort.id, trigger="manual", settings=settings, by=s.facilitator)
    closed = await AuditEntry.get(action="cohort.closed")
    assert closed.actor_user_id == s.facilitator.id and closed.detail["trigger"] == "manual"
    # No row carries a participant's name.
    for row in await AuditEntry.all():
        assert "Aïcha" not in str(row.detail) + row.actor + row.object


async def test_a_scheduled_closure_is_audited_as_the_system(app, settings, report_calls):  # noqa: F811
    books = await make_books()
    assert await close_cohort(
        books.cohort.id, trigger="schedule", settings=settings, now=books.after
    )
    row = await AuditEntry.get(action="cohort.closed")
    assert row.actor == "system" and row.actor_user_id is None


async def test_a_funders_download_is_audited(client, settings):
    closed = await make_closed()
    headers = await bearer(closed.funder)
    got = await client.get(f"/api/v1/cohorts/{closed.cohort.id}/report.json", headers=headers)
    assert got.status_code == 200
    row = await AuditEntry.get(action="report.downloaded")
    assert row.detail == {"format": "json", "version": 0}
    assert row.actor_user_id == closed.funder.id and row.cohort_id == closed.cohort.id
    staff = await bearer(closed.facilitator)
    await client.get(f"/api/v1/cohorts/{closed.cohort.id}/report.json", headers=staff)
    assert await AuditEntry.filter(action="report.downloaded").count() == 1  # funders only


async def test_the_row_is_written_in_the_actions_transaction(client, settings, monkeypatch):
    full = await make_full(settings)
    other = await LedgerEntry.filter(cohort_id=full.s.cohort.id, kind="sale", reverses_id=None)
    target = next(e for e in other if e.id != full.sale.id)

    async def broken(**_: object) -> None:
        raise RuntimeError("the trail is down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        await reverse_entry(
            full.s.cohort,
            target.id,
            Reversal(id=uuid.uuid4(), reason="Erreur"),
            principal=Principal(user=full.s.facilitator),
            now=full.s.now,
        )
    # No trail, no action: the reversal was rolled back with it.
    assert not await LedgerEntry.filter(reverses_id=target.id).exists()


async def test_the_api_filters_and_is_for_admins(client, settings):
    full = await make_full(settings)
    admin = await make_user("admin")
    headers = await bearer(admin)
    everything = (await client.get("/api/v1/audit", headers=headers)).json()
    assert everything["next"] is None and everything["items"]
    assert set(everything["items"][0]) >= {"at", "actor", "action", "object", "detail"}
    reversals = await client.get("/api/v1/audit?action=entry.reversed", headers=headers)
    assert [i["action"] for i in reversals.json()["items"]] == ["entry.reversed"]
    by_actor = await client.get(f"/api/v1/audit?actor={full.s.facilitator.id}", headers=headers)
    assert {i["action"] for i in by_actor.json()["items"]} == {"entry.reversed"}
    by_name = await client.get("/api/v1/audit?actor=Facilitator", headers=headers)
    assert by_name.json()["items"]
    by_cohort = await client.get(f"/api/v1/audit?cohort={full.s.cohort.id}", headers=headers)
    assert len(by_cohort.json()["items"]) == len(everything["items"])
    elsewhere = await client.get(f"/api/v1/audit?cohort={uuid.uuid4()}", headers=headers)
    assert elsewhere.json()["items"] == []
    for bad in ("cohort=nope", "action=delete.everything"):
        answer = await client.get(f"/api/v1/audit?{bad}", headers=headers)
        assert answer.status_code == 422 and answer.json()["error"]["fields"]
    staff = await bearer(full.s.facilitator)
    assert (await client.get("/api/v1/audit", headers=staff)).status_code == 403
    assert (
        await client.get("/api/v1/audit", headers=await bearer(full.s.aicha))
    ).status_code == 403
    assert (await client.get("/api/v1/audit")).status_code == 401


async def test_the_admin_page_filters(client, settings):
    await make_full(settings)
    admin = await make_user("admin")
    await login(client, admin)
    page = await client.get("/admin/audit?action=entry.reversed")
    assert page.status_code == 200
    assert "<h1>Journal d" in page.text and "entry.reversed" in page.text
    assert "consent.given</code>" not in page.text
    assert 'for="f-actor"' in page.text and 'for="f-action"' in page.text
    bad = await client.get("/admin/audit?cohort=nope")
    assert bad.status_code == 422 and 'id="e-cohort"' in bad.text
