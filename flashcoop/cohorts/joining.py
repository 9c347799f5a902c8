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
from flashcoop.cohorts.models import GENDERS, Cohort, Participant
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.fields import NAME_MAX, Fields, name_key

JOIN_WINDOW = timedelta(minutes=10)
MIN_AGE = 14  # the youngest a participant can be: a year of birth after this is a typo


@dataclass(frozen=True)
class JoinRequest:
    code: str  # normalised: upper case, letters and digits only
    display_name: str
    pin: str
    first_name: str = ""
    last_name: str = ""
    gender: str = ""  # GENDERS or "" (optional profile, for the funders' aggregates)
    birth_year: int | None = None


def read_profile(form: Fields, *, now: datetime | None = None) -> tuple[str, int | None]:
    """The optional profile: gender (one of GENDERS, or "") and year of birth (1900 to this
    year − 14, or none). Errors are collected in `form`."""
    gender = form.choice("gender", GENDERS, default="")
    raw = form.raw("birth_year")
    if raw in (None, ""):
        return gender, None
    latest = (now or utcnow()).year - MIN_AGE
    return gender, form.integer("birth_year", low=1900, high=latest, default=0) or None


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
    gender, birth_year = read_profile(form)
    form.check()
    return JoinRequest(code, display_name, pin, first_name, last_name, gender, birth_year)


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
            gender=request.gender,
            birth_year=request.birth_year,
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
    """Replace the join code: the old QR and link stop working at once (409 once frozen)."""
    ensure_open(cohort, started=False)
    cohort.join_code = await unique_code()
    await cohort.save(update_fields=["join_code"])
    return cohort.join_code


async def set_joining(cohort: Cohort, *, open_: bool) -> None:
    ensure_open(cohort, started=False)
    cohort.joining_open = open_
    await cohort.save(update_fields=["joining_open"])


async def update_participant(
    cohort: Cohort, participant: Participant, data: dict[str, Any], *, now: datetime | None = None
) -> Participant:
    """Change a member's role and/or optional profile (only the fields sent); 422 on any
    invalid or unknown field, 409 once the cohort is frozen."""
    form = Fields(data)
    for name in set(data) - {"role", "gender", "birth_year"}:
        form.error(name, N_("Unknown field."))
    changes: dict[str, Any] = {}
    if "role" in data:
        if data["role"] not in ("member", "treasurer"):
            form.error("role", N_("Choose one of: {choices}."), choices="member, treasurer")
        changes["role"] = data["role"]
    gender, birth_year = read_profile(form, now=now)
    if "gender" in data:
        changes["gender"] = gender
    if "birth_year" in data:
        changes["birth_year"] = birth_year
    form.check()
    ensure_open(cohort, now=now, started=False)
    for name, value in changes.items():
        setattr(participant, name, value)
    if changes:
        await participant.save(update_fields=list(changes))
    return participant
