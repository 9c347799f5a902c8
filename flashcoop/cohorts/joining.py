"""Joining a cohort by code, name and PIN (or signing in again with them), the join code and
the joining switch, and PIN resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from flashcoop.accounts.services import (
    check_rate,
    hash_secret,
    rate_key,
    record_failure,
    verify_secret,
)
from flashcoop.cohorts.errors import CohortsError
from flashcoop.cohorts.launch import unique_code
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.fields import NAME_MAX, Fields, name_key

JOIN_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class JoinRequest:
    code: str  # normalised: upper case, letters and digits only
    display_name: str
    pin: str
    first_name: str = ""
    last_name: str = ""


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def check_pin(form: Fields, name: str = "pin") -> str:
    pin = str(form.raw(name) or "").strip()
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 6):
        form.error(name, N_("The PIN is 4 to 6 digits."))
    return pin


def read_join(data: dict[str, Any]) -> JoinRequest:
    """Check a join body (every invalid field at once, 422)."""
    form = Fields(data)
    code = normalise_code(str(form.raw("code") or ""))
    if not code:
        form.error("code", N_("This field is required."))
    display_name = form.text("display_name", max_len=NAME_MAX)
    pin = check_pin(form)
    first_name = form.text("first_name", required=False, max_len=NAME_MAX)
    last_name = form.text("last_name", required=False, max_len=NAME_MAX)
    form.check()
    return JoinRequest(code, display_name, pin, first_name, last_name)


async def join_cohort(
    request: JoinRequest, *, client: str, max_failures: int, now: datetime | None = None
) -> tuple[Participant, bool]:
    """Join by code, name and PIN — or sign in again when the name is yours. (member, created).

    Failed attempts (unknown code, a known name with the wrong PIN) count against the client's
    address; past `max_failures` in the window every attempt is refused (429)."""
    now = now or utcnow()
    key = rate_key("join", client)
    await check_rate(key, limit=max_failures, window=JOIN_WINDOW, now=now)
    cohort = await Cohort.get_or_none(join_code=request.code)
    if cohort is None:
        await record_failure(key, now=now)
        raise NotFound(
            CohortsError.UNKNOWN_CODE, N_("This code does not open any cohort. Check it.")
        )
    key_of_name = name_key(request.display_name)
    existing = await Participant.get_or_none(cohort=cohort, name_key=key_of_name)
    if existing is not None:
        if await verify_secret(existing.pin_hash, request.pin):
            return existing, False
        await record_failure(key, now=now)
        raise DomainError(
            CohortsError.NAME_TAKEN,
            N_(
                "This name is already taken here. If it is yours, check your PIN; "
                "otherwise add an initial."
            ),
        )
    ensure_open(cohort, now=now, started=False)
    if not cohort.joining_open:
        raise DomainError(
            CohortsError.JOINING_CLOSED, N_("Joining this cohort is closed. Ask your facilitator.")
        )
    try:
        participant = await Participant.create(
            cohort=cohort,
            display_name=request.display_name,
            name_key=key_of_name,
            first_name=request.first_name,
            last_name=request.last_name,
            pin_hash=await hash_secret(request.pin),
        )
    except IntegrityError as exc:  # the same name joined a moment ago on another phone
        raise DomainError(CohortsError.NAME_TAKEN, N_("This name is already taken here.")) from exc
    return participant, True


async def reset_pin(participant: Participant, pin: str) -> None:
    """Give a member a new PIN; their phones and printed sign-in cards are signed out."""
    form = Fields({"pin": pin})
    check_pin(form)
    form.check()
    participant.pin_hash = await hash_secret(pin)
    participant.auth_version += 1
    await participant.save(update_fields=["pin_hash", "auth_version"])


async def regenerate_join_code(cohort: Cohort) -> str:
    """Replace the join code: the old QR and link stop working at once."""
    cohort.join_code = await unique_code()
    await cohort.save(update_fields=["join_code"])
    return cohort.join_code


async def set_joining(cohort: Cohort, *, open_: bool) -> None:
    cohort.joining_open = open_
    await cohort.save(update_fields=["joining_open"])
