"""What privacy does when cohorts tells it a member joined or was changed: the trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flashcoop.cohorts.joining import PROFILE_FIELDS
from flashcoop.cohorts.models import Participant
from flashcoop.core.principal import Principal
from flashcoop.privacy import audit
from flashcoop.privacy.consents import consents_of
from flashcoop.privacy.models import GuardianConsent


async def on_participant_joined(
    *, participant: Participant, guardian_name: str, now: datetime, **_: Any
) -> None:
    """Record the consents given at joining and, for a minor, who consented for them."""
    me = Principal(participant=participant)
    subject: dict[str, Any] = {
        "cohort_id": participant.cohort_id,
        "subject_id": participant.id,
        "now": now,
    }
    await audit.record(
        actor=me,
        action="consent.given",
        object=f"participant:{participant.id}",
        detail={**consents_of(participant), "minor": participant.minor},
        **subject,
    )
    if participant.minor and guardian_name:
        await GuardianConsent.create(
            participant_id=participant.id, guardian_name=guardian_name, given_at=now
        )
        await audit.record(
            actor=me, action="guardian.consented", object=f"participant:{participant.id}", **subject
        )


async def on_participant_changed(
    *,
    participant: Participant,
    actor: Principal | None,
    changes: dict[str, tuple[Any, Any]],
    now: datetime,
    **_: Any,
) -> None:
    """A role change (old and new role) or a profile correction (which fields, not values)."""
    if not changes:
        return
    detail: dict[str, Any] = {}
    if "role" in changes:
        detail["role"] = list(changes["role"])
    profile = sorted(name for name in changes if name in PROFILE_FIELDS)
    if profile:
        detail["profile_fields"] = profile
    await audit.record(
        actor=actor,
        action="participant.changed",
        object=f"participant:{participant.id}",
        detail=detail,
        cohort_id=participant.cohort_id,
        subject_id=participant.id,
        now=now,
    )
