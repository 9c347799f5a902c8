"""Everything flashcoop holds about a participant, for them (JSON and a readable page).

The privacy domain knows the person, their consents and the trail; the domains above it add
what they hold through the `member_export_requested` signal (entries, attendance, assessments,
certificates, shares and outcomes), so this module imports none of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.privacy import audit
from flashcoop.privacy.consents import consents_of
from flashcoop.privacy.models import AuditEntry, GuardianConsent
from flashcoop.privacy.signals import member_export_requested


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def build_export(
    participant: Participant, *, settings: Settings, now: datetime | None = None
) -> dict[str, Any]:
    """The participant's data as JSON-ready sections; the export itself is audited."""
    now = now or utcnow()
    cohort = await Cohort.get(id=participant.cohort_id)
    guardians = await GuardianConsent.filter(participant_id=participant.id).order_by("given_at")
    data: dict[str, Any] = {
        "generated_at": now.isoformat(),
        "profile": {
            "id": str(participant.id),
            "cohort": {"id": str(cohort.id), "name": cohort.name},
            "display_name": participant.display_name,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "email": participant.email,
            "role": participant.role,
            "joined_at": _iso(participant.joined_at),
            "gender": participant.gender or None,
            "birth_year": participant.birth_year,
            "situation_at_entry": participant.situation_at_entry,
            "education_level": participant.education_level,
            "minor": participant.minor,
        },
        "consents": {
            **consents_of(participant),
            "guardians": [
                {"guardian_name": g.guardian_name, "given_at": _iso(g.given_at)} for g in guardians
            ],
        },
    }
    for part in await member_export_requested.send(participant=participant, settings=settings):
        data.update(part or {})
    await audit.record(
        actor=Principal(participant=participant),
        action="data.exported",
        object=f"participant:{participant.id}",
        cohort_id=participant.cohort_id,
        subject_id=participant.id,
        now=now,
    )
    rows = await AuditEntry.filter(
        Q(subject_id=participant.id) | Q(actor_participant_id=participant.id)
    ).order_by("at", "id")
    data["audit"] = [audit.entry_json(row) for row in rows]
    return data
