"""Joining a cohort by code, name and PIN (or signing in again with them), the join code and
the joining switch, and PIN resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import ApiToken
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
from flashcoop.cohorts.signals import participant_changed, participant_joined
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.fields import NAME_MAX, TITLE_MAX, Fields, name_key
from flashcoop.core.principal import Principal
from flashcoop.core.sessions import end_sessions_of, participant_subject

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
    # Optional consents (docs/privacy.md): being named in funders' reports, keeping the profile.
    named_in_reports: bool = False
    profile_data: bool = False
    situation_at_entry: str = ""  # in the person's own words
    education_level: str = ""
    minor: bool = False  # under 18: `guardian_name` gave their consent
    guardian_name: str = ""


PROFILE_FIELDS = ("gender", "birth_year", "situation_at_entry", "education_level")
TRUE, FALSE = ("true", "on", "1", "yes"), ("false", "off", "0", "no", "")


def read_flag(form: Fields, name: str) -> bool:
    """A yes/no field: JSON true/false (or absent), a checkbox's "on" in forms."""
    value = form.raw(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    form.error(name, N_("Answer yes or no."))
    return False


def read_consented_profile(form: Fields, *, consent: bool, now: datetime | None = None) -> dict:
    """The optional profile, only with the "profile_data" consent: answers given without it
    are refused (422 on `profile_data`) rather than kept silently or dropped silently."""
    gender, birth_year = read_profile(form, now=now)
    situation = form.text("situation_at_entry", required=False, max_len=TITLE_MAX)
    education = form.text("education_level", required=False, max_len=TITLE_MAX)
    given = {
        "gender": gender,
        "birth_year": birth_year,
        "situation_at_entry": situation,
        "education_level": education,
    }
    if not consent and any(given.values()):
        form.error(
            "profile_data",
            N_("Tick this box so that we may keep these answers, or leave them empty."),
        )
    return given


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
    named = read_flag(form, "named_in_reports")
    consent = read_flag(form, "profile_data")
    profile = read_consented_profile(form, consent=consent)
    minor = read_flag(form, "minor")
    guardian = form.text("guardian_name", required=False, max_len=NAME_MAX)
    if minor and not guardian:
        form.error("guardian_name", N_("Under 18: write the name of the parent or guardian."))
    if minor and not read_flag(form, "guardian_consent"):
        form.error("guardian_consent", N_("Under 18: a parent or guardian must agree."))
    form.check()
    return JoinRequest(
        code,
        display_name,
        pin,
        first_name,
        last_name,
        named_in_reports=named,
        profile_data=consent,
        minor=minor,
        guardian_name=guardian if minor else "",
        **profile,
    )


# Wrong PINs for one member, whatever the addresses, before sign-in waits (429).
PIN_MAX_FAILURES = 10


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
        return await _sign_in_again(existing, request.pin, key=key, now=now), False
    ensure_open(cohort, now=now, started=False)
    if not cohort.joining_open:
        raise DomainError(
            CohortsError.JOINING_CLOSED, N_("Joining this cohort is closed. Ask your facilitator.")
        )
    pin_hash = await hash_secret(request.pin)
    try:
        async with in_transaction():  # the member and their recorded consents, or neither
            participant = await Participant.create(
                cohort=cohort,
                display_name=request.display_name,
                name_key=key_of_name,
                first_name=request.first_name,
                last_name=request.last_name,
                consent_share_name=request.named_in_reports,
                consent_profile=request.profile_data,
                gender=request.gender,
                birth_year=request.birth_year,
                situation_at_entry=request.situation_at_entry,
                education_level=request.education_level,
                minor=request.minor,
                pin_hash=pin_hash,
            )
            await participant_joined.send(
                participant=participant, guardian_name=request.guardian_name, now=now
            )
    except IntegrityError:
        # The same name joined a moment ago on another phone (or a double tap): whoever won
        # the race is read back, and the same PIN signs in exactly as it would a moment later.
        existing = await Participant.get_or_none(cohort=cohort, name_key=key_of_name)
        if existing is None:  # the row that collided is gone again: nothing to sign in to
            raise
        return await _sign_in_again(existing, request.pin, key=key, now=now), False
    return participant, True


async def _sign_in_again(
    existing: Participant, pin: str, *, key: str, now: datetime
) -> Participant:
    """The member of that name, when the PIN is theirs; a failed attempt (409) otherwise.

    Wrong PINs count against the address and against the member: from many addresses, a
    4-digit PIN still gets only PIN_MAX_FAILURES guesses per window (then 429)."""
    member_key = rate_key("pin", str(existing.id))
    await check_rate(member_key, limit=PIN_MAX_FAILURES, window=JOIN_WINDOW, now=now)
    if await verify_secret(existing.pin_hash, pin):
        return existing
    await record_failure(key, now=now)
    await record_failure(member_key, now=now)
    raise DomainError(
        CohortsError.NAME_TAKEN,
        N_(
            "This name is already taken here. If it is yours, check your PIN; "
            "otherwise add an initial."
        ),
    )


async def reset_pin(participant: Participant, pin: str) -> None:
    """Give a member a new PIN; their phones and printed sign-in cards are signed out."""
    form = Fields({"pin": pin})
    check_pin(form)
    form.check()
    participant.pin_hash = await hash_secret(pin)
    await sign_out_everywhere(participant, also=("pin_hash",))


async def sign_out_everywhere(
    participant: Participant, *, also: tuple[str, ...] = (), now: datetime | None = None
) -> int:
    """Sign a member out of every phone: sessions ended on the server, API tokens revoked,
    printed sign-in cards void. The number of sessions that were still open."""
    now = now or utcnow()
    participant.auth_version += 1
    async with in_transaction():
        await participant.save(update_fields=[*also, "auth_version"])
        await ApiToken.filter(participant_id=participant.id, revoked_at=None).update(revoked_at=now)
        return await end_sessions_of(participant_subject(participant.id), now=now)


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
    cohort: Cohort,
    participant: Participant,
    data: dict[str, Any],
    *,
    now: datetime | None = None,
    actor: Principal | None = None,
) -> Participant:
    """Change a member's role and/or optional profile (only the fields sent; the profile only
    with the member's "profile_data" consent); 422 on any invalid or unknown field, 409 once
    the cohort is frozen. The change is audited (`participant_changed`) in its transaction."""
    now = now or utcnow()
    form = Fields(data)
    for name in set(data) - {"role", *PROFILE_FIELDS}:
        form.error(name, N_("Unknown field."))
    changes: dict[str, Any] = {}
    if "role" in data:
        if data["role"] not in ("member", "treasurer"):
            form.error("role", N_("Choose one of: {choices}."), choices="member, treasurer")
        changes["role"] = data["role"]
    profile = read_consented_profile(form, consent=participant.consent_profile, now=now)
    changes.update({name: profile[name] for name in PROFILE_FIELDS if name in data})
    form.check()
    ensure_open(cohort, now=now, started=False)
    before = {name: getattr(participant, name) for name in changes}
    for name, value in changes.items():
        setattr(participant, name, value)
    if changes:
        async with in_transaction():
            await participant.save(update_fields=list(changes))
            await participant_changed.send(
                participant=participant,
                actor=actor,
                changes={k: (before[k], changes[k]) for k in changes if before[k] != changes[k]},
                now=now,
            )
    return participant
