"""The privacy services the pages and the API share: whose data, the participant's own
profile, and an admin's participant lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from flashcoop.cohorts.joining import PROFILE_FIELDS, read_consented_profile
from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import NotFound
from flashcoop.core.fields import Fields
from flashcoop.core.principal import Principal
from flashcoop.privacy import audit
from flashcoop.privacy.consents import set_consents


async def participant_by_id(participant_id: object) -> Participant:
    """Any participant (admins act across structures' cohorts), or 404 for a malformed id."""
    try:
        key = UUID(str(participant_id))
    except ValueError as exc:
        raise NotFound() from exc
    found = await Participant.get_or_none(id=key)
    if found is None:
        raise NotFound()
    return found


async def update_my_privacy(
    participant: Participant,
    wanted: dict[str, bool],
    profile_data: dict[str, Any],
    *,
    now: datetime | None = None,
) -> Participant:
    """The consents page: consents first (withdrawing deletes the profile), then the profile
    answers, kept only with the "profile_data" consent (422 otherwise)."""
    now = now or utcnow()
    form = Fields(profile_data)
    profile = read_consented_profile(form, consent=wanted["profile_data"], now=now)
    form.check()
    me = Principal(participant=participant)
    await set_consents(participant, wanted, actor=me, now=now)
    if not wanted["profile_data"]:
        return participant
    changed = sorted(k for k in PROFILE_FIELDS if getattr(participant, k) != profile[k])
    if changed:
        for name in changed:
            setattr(participant, name, profile[name])
        async with in_transaction():
            await participant.save(update_fields=changed)
            await audit.record(
                actor=me,
                action="participant.changed",
                object=f"participant:{participant.id}",
                detail={"profile_fields": changed},
                cohort_id=participant.cohort_id,
                subject_id=participant.id,
                now=now,
            )
    return participant
