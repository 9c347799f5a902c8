"""No personal data in application logs: a representative run (join, sale, check-in,
correction, closure with its PDFs, export, erasure) is logged at INFO, the default level, and
the log is searched for every name and e-mail given (docs/privacy.md, "Logs")."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from flashcoop.cohorts.models import Participant
from flashcoop.workshops.attendance import current_code
from tests.factories import bearer, make_cohort, make_user
from tests.ledger_helpers import entries_url, sale
from tests.workshop_helpers import make_workshop

SECRETS = ("Zénobie", "Quentin-Arthur", "Vercingétorix", "zenobie.v@example.org", "Mme Tutrice")


async def test_a_full_run_logs_no_personal_data(client, settings, caplog):
    caplog.set_level(logging.INFO)
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    workshop = await make_workshop(cohort, starts_at=cohort.starts_at + timedelta(minutes=5))
    joined = await client.post(
        "/api/v1/join",
        json={
            "code": cohort.join_code,
            "display_name": "Zénobie",
            "pin": "1234",
            "first_name": "Quentin-Arthur",
            "last_name": "Vercingétorix",
            "minor": True,
            "guardian_name": "Mme Tutrice",
            "guardian_consent": True,
            "named_in_reports": True,
        },
    )
    assert joined.status_code == 201, joined.text
    member = await Participant.get(display_name="Zénobie")
    await Participant.filter(id=member.id).update(email="zenobie.v@example.org")
    phone = {"Authorization": f"Bearer {joined.json()['token']}"}
    sold = await client.post(entries_url(cohort), json=sale(), headers=phone)
    assert sold.status_code == 201
    code, _ = current_code(settings, workshop)
    checked = await client.post(
        f"/api/v1/workshops/{workshop.id}/checkin", json={"code": code}, headers=phone
    )
    assert checked.status_code == 200, checked.text
    staff = await bearer(facilitator)
    corrected = await client.post(
        f"/api/v1/workshops/{workshop.id}/attendance",
        json={"participant_id": str(member.id), "status": "excused"},
        headers=staff,
    )
    assert corrected.status_code == 200, corrected.text
    reversed_ = await client.post(
        f"{entries_url(cohort)}/{sold.json()['id']}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "Erreur"},
        headers=staff,
    )
    assert reversed_.status_code == 201
    assert (await client.get("/api/v1/me/export", headers=phone)).status_code == 200
    closed = await client.post(f"/api/v1/cohorts/{cohort.id}/close", headers=staff)
    assert closed.status_code == 200, closed.text
    report = await client.get(f"/api/v1/cohorts/{cohort.id}/report.pdf", headers=staff)
    assert report.status_code == 200
    admin = await bearer(await make_user("admin"))
    erased = await client.post(
        f"/api/v1/participants/{member.id}/erase", json={"reason": "Demande"}, headers=admin
    )
    assert erased.status_code == 200
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
    ).casefold()
    assert caplog.records, "the run logs something: the search is not vacuous"
    for secret in SECRETS:
        assert secret.casefold() not in logged, secret
