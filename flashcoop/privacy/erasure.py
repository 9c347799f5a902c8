"""Erasing a participant at their request, and anonymising them when retention runs out.

The row stays (ledger entries, attendance and shares point at its id, and the ledger's hash
chain covers ids, never names), emptied of everything that tells who the person was: names,
e-mail, PIN, profile, guardian, phones and tokens. `person_name` then says "erased" after an
erasure; anonymisation leaves a numbered pseudonym and the anonymous profile answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from flashcoop.accounts.models import ApiToken
from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.core.sessions import end_sessions_of, participant_subject
from flashcoop.privacy import audit
from flashcoop.privacy.errors import PrivacyError
from flashcoop.privacy.models import GuardianConsent
from flashcoop.privacy.signals import member_erased

# Not an argon2 hash: no PIN ever verifies against it.
NO_PIN = "!"
MAX_REASON = 2000


def read_reason(data: dict[str, Any]) -> str:
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            {"reason": N_("Give the reason (the person's request, its date).")},
            code=PrivacyError.ERASURE_REASON_REQUIRED,
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": N_("At most 2,000 characters.")})
    return reason.strip()


def _forget(participant: Participant, *, name: str, key: str) -> list[str]:
    """Blank who the person was; the fields to save."""
    participant.display_name, participant.name_key = name, key
    participant.first_name = participant.last_name = participant.email = ""
    participant.situation_at_entry = participant.education_level = ""
    participant.pin_hash = NO_PIN
    participant.auth_version += 1  # every phone and printed card is signed out
    return [
        "display_name",
        "name_key",
        "first_name",
        "last_name",
        "email",
        "situation_at_entry",
        "education_level",
        "pin_hash",
        "auth_version",
    ]


async def _sign_out_everywhere(participant: Participant, now: datetime) -> None:
    await end_sessions_of(participant_subject(participant.id), now=now)
    await ApiToken.filter(participant_id=participant.id).delete()
    await GuardianConsent.filter(participant_id=participant.id).delete()


async def erase_participant(
    participant: Participant, *, actor: Principal, reason: str, now: datetime | None = None
) -> Participant:
    """Erase a person at their request (admin): names, PIN, profile, consents, guardian,
    sessions and tokens gone; certificates revoked at the holder's request with their name
    removed (receivers of `member_erased`); ledger entries kept. 409 when already erased."""
    now = now or utcnow()
    async with in_transaction():
        claimed = await Participant.filter(id=participant.id, erased_at__isnull=True).update(
            erased_at=now
        )
        if claimed != 1:
            raise DomainError(PrivacyError.ALREADY_ERASED, N_("This person was already erased."))
        participant.erased_at = now
        fields = _forget(participant, name="—", key=f"~erased-{participant.id}")
        participant.gender, participant.birth_year, participant.minor = "", None, False
        participant.consent_share_name = participant.consent_profile = False
        fields += ["gender", "birth_year", "minor", "consent_share_name", "consent_profile"]
        await participant.save(update_fields=fields)
        await _sign_out_everywhere(participant, now)
        await member_erased.send(participant=participant, actor=actor, now=now)
        await audit.record(
            actor=actor,
            action="participant.erased",
            object=f"participant:{participant.id}",
            detail={"reason": reason},
            cohort_id=participant.cohort_id,
            subject_id=participant.id,
            now=now,
        )
    return participant


async def anonymise_participant(participant: Participant, position: int, now: datetime) -> bool:
    """Retention: forget who the person was, keep the anonymous profile answers (gender, year
    of birth) that funders' aggregates count. False when another worker did it first."""
    async with in_transaction():
        claimed = await Participant.filter(
            id=participant.id, anonymised_at__isnull=True, erased_at__isnull=True
        ).update(anonymised_at=now)
        if claimed != 1:
            return False
        participant.anonymised_at = now
        fields = _forget(
            participant, name=f"Participant {position}", key=f"~anonymised-{participant.id}"
        )
        await participant.save(update_fields=fields)
        await _sign_out_everywhere(participant, now)
    return True
