"""A participant's optional consents: being named in funders' reports, keeping the profile.

Both are off unless given; refusing costs nothing (joining, selling, check-in work without).
A withdrawal takes effect at once: the profile answers are deleted, so no report, indicator or
export made afterwards can use them, and `person_name` pseudonymises the member for funders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from flashcoop.cohorts.joining import PROFILE_FIELDS, read_flag
from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_
from flashcoop.core.fields import Fields
from flashcoop.core.principal import Principal
from flashcoop.privacy import audit

CONSENTS = ("named_in_reports", "profile_data")
# The Participant column behind each consent.
COLUMN = {"named_in_reports": "consent_share_name", "profile_data": "consent_profile"}


def consents_of(participant: Participant) -> dict[str, bool]:
    return {name: bool(getattr(participant, COLUMN[name])) for name in CONSENTS}


def read_consents(data: dict[str, Any], current: dict[str, bool]) -> dict[str, bool]:
    """The consents sent (each optional, true or false), over the current ones; 422 otherwise."""
    form = Fields(data)
    for name in set(data) - set(CONSENTS):
        form.error(name, N_("Unknown field."))
    for name in CONSENTS:
        if name in data and not isinstance(data[name], bool):
            form.error(name, N_("Answer yes or no."))
    form.check()
    return {name: bool(data[name]) if name in data else current[name] for name in CONSENTS}


def read_consent_form(form_data: dict[str, Any]) -> dict[str, bool]:
    """The consents page: each consent is a checkbox, absent when unticked."""
    form = Fields(form_data)
    wanted = {name: read_flag(form, name) for name in CONSENTS}
    form.check()
    return wanted


async def set_consents(
    participant: Participant,
    wanted: dict[str, bool],
    *,
    actor: Principal,
    now: datetime | None = None,
) -> dict[str, bool]:
    """Give or withdraw consents; withdrawing "profile_data" deletes the profile answers.
    Audited (with the old and new values) in the same transaction."""
    now = now or utcnow()
    before = consents_of(participant)
    changed = {k: [before[k], v] for k, v in wanted.items() if before[k] != v}
    if not changed:
        return before
    fields: list[str] = []
    for name, (_old, new) in changed.items():
        setattr(participant, COLUMN[name], new)
        fields.append(COLUMN[name])
    if not wanted["profile_data"]:
        participant.gender, participant.birth_year = "", None
        participant.situation_at_entry = participant.education_level = ""
        fields.extend(PROFILE_FIELDS)
    async with in_transaction():
        await participant.save(update_fields=fields)
        await audit.record(
            actor=actor,
            action="consent.changed",
            object=f"participant:{participant.id}",
            detail=changed,
            cohort_id=participant.cohort_id,
            subject_id=participant.id,
            now=now,
        )
    return consents_of(participant)
