"""Launching cohorts, joining them, and who may see which: plain async functions."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.numbers import list_currencies
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import Organisation
from flashcoop.accounts.services import (
    check_rate,
    hash_secret,
    rate_key,
    record_failure,
    verify_secret,
)
from flashcoop.cohorts import skills
from flashcoop.cohorts.errors import CohortsError
from flashcoop.cohorts.models import (
    PROGRAMMES,
    SURPLUS_RULES,
    Cohort,
    CohortFunder,
    Participant,
    Product,
)
from flashcoop.cohorts.signals import cohort_created
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.fields import NAME_MAX, TITLE_MAX, Fields, name_key, parse_amount
from flashcoop.core.principal import Principal

JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed by hand
JOIN_CODE_LENGTH = 8
MAX_PRODUCTS = 50
MAX_DURATION = timedelta(days=366)
JOIN_WINDOW = timedelta(minutes=10)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def visible_cohorts(principal: Principal) -> QuerySet[Cohort]:
    """The cohorts this principal may see: the one rule every listing and lookup goes through."""
    if principal.participant is not None:
        return Cohort.filter(id=principal.participant.cohort_id)
    user = principal.user
    if user is None:
        return Cohort.filter(id__isnull=True)
    if user.role == "admin":
        return Cohort.all()
    if user.role == "facilitator":
        return Cohort.filter(structure_id=user.organisation_id)
    if user.role == "funder":
        return Cohort.filter(funder_links__funder_id=user.organisation_id).distinct()
    return Cohort.filter(id__isnull=True)


async def get_cohort(principal: Principal, cohort_id: UUID | str, *, staff: bool = False) -> Cohort:
    """The cohort if the principal may see it (404 otherwise); `staff` also requires running it."""
    try:
        key = UUID(str(cohort_id))
    except ValueError as exc:
        raise NotFound() from exc
    cohort = await visible_cohorts(principal).get_or_none(id=key)
    if cohort is None:
        raise NotFound()
    if staff and not principal.is_staff:
        raise Forbidden()
    return cohort


async def create_cohort(
    data: dict[str, Any],
    *,
    principal: Principal,
    default_timezone: str,
    now: datetime | None = None,
) -> Cohort:
    """Validate the launch form and create the live cohort with its catalogue and programme."""
    now = now or utcnow()
    user = principal.user
    if user is None or user.role not in ("facilitator", "admin"):
        raise Forbidden()
    form = Fields(data)
    name = form.text("name", max_len=TITLE_MAX)
    activity = form.text("activity", max_len=TITLE_MAX)
    location = form.text("location", required=False, max_len=TITLE_MAX)
    timezone = form.timezone("timezone", default=default_timezone)
    tz = ZoneInfo(timezone)
    starts_at = form.moment("starts_at", tz)
    ends_at = form.moment("ends_at", tz)
    if starts_at and ends_at:
        if ends_at <= starts_at:
            form.error("ends_at", N_("The end must come after the start."))
        elif ends_at <= now:
            form.error("ends_at", N_("The end must be in the future."))
        elif ends_at - starts_at > MAX_DURATION:
            form.error("ends_at", N_("A cohort lasts at most a year."))
    currency = str(form.raw("currency") or "EUR").strip().upper()
    if currency not in list_currencies():
        form.error("currency", N_("Unknown currency code."))
    surplus_rule = form.choice("surplus_rule", SURPLUS_RULES, default="equal")
    framework = form.choice("framework", tuple(skills.frameworks()), default=skills.DEFAULT)
    programme = form.choice("programme", PROGRAMMES, default="none")
    threshold = form.integer("attendance_threshold", low=0, high=100, default=0)
    products = _products(form)
    funder_ids = await _funders(form)
    structure_id = user.organisation_id
    if structure_id is None:
        structure_id = await _structure_for_admin(form)
    form.check()
    assert starts_at is not None and ends_at is not None

    async with in_transaction():
        cohort = await Cohort.create(
            structure_id=structure_id,
            created_by=user,
            name=name,
            activity=activity,
            location=location,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=timezone,
            currency=currency,
            surplus_rule=surplus_rule,
            framework=framework,
            attendance_threshold=threshold,
            programme=programme,
            join_code=await _unique_code(),
        )
        await Product.bulk_create(
            [
                Product(cohort=cohort, label=label, price_cents=price, position=position)
                for position, (label, price) in enumerate(products)
            ]
        )
        await CohortFunder.bulk_create(
            [CohortFunder(cohort=cohort, funder_id=funder_id) for funder_id in funder_ids]
        )
        # The workshops domain lays out the chosen programme: in this same transaction.
        await cohort_created.send(cohort=cohort, programme=programme)
    return cohort


def _products(form: Fields) -> list[tuple[str, int]]:
    raw = form.raw("products") or []
    if not isinstance(raw, list) or len(raw) > MAX_PRODUCTS:
        form.error("products", N_("At most {max} products."), max=MAX_PRODUCTS)
        return []
    products: list[tuple[str, int]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            form.error(f"products.{index}", N_("Give a label and a price."))
            continue
        label = item.get("label")
        price_raw = item.get("price")
        if not isinstance(label, str) or not label.strip() or len(label.strip()) > TITLE_MAX:
            form.error(f"products.{index}.label", N_("Enter a label of 1 to 120 characters."))
            continue
        price = parse_amount(price_raw)
        if price is None or price <= 0:
            form.error(f"products.{index}.price", N_("Enter a price above zero, like 2.50."))
            continue
        products.append((label.strip(), price))
    return products


async def _funders(form: Fields) -> list[int]:
    raw = form.raw("funders") or []
    if not isinstance(raw, list) or not all(isinstance(i, int | str) for i in raw):
        form.error("funders", N_("Choose funders from the list."))
        return []
    try:
        ids = sorted({int(i) for i in raw})
    except ValueError:
        form.error("funders", N_("Choose funders from the list."))
        return []
    found = await Organisation.filter(id__in=ids, kind="funder").count() if ids else 0
    if found != len(ids):
        form.error("funders", N_("Choose funders from the list."))
    return ids


async def _structure_for_admin(form: Fields) -> int:
    raw = form.raw("structure_id")
    structure = None
    if raw not in (None, ""):
        try:
            structure = await Organisation.get_or_none(id=int(str(raw)), kind="structure")
        except ValueError:
            structure = None
    if structure is None:
        form.error("structure_id", N_("Choose the structure that runs this cohort."))
        return 0
    return structure.id


async def _unique_code() -> str:
    while True:
        code = new_join_code()
        if not await Cohort.exists(join_code=code):
            return code


async def regenerate_join_code(cohort: Cohort) -> str:
    """Replace the join code: the old QR and link stop working at once."""
    cohort.join_code = await _unique_code()
    await cohort.save(update_fields=["join_code"])
    return cohort.join_code


async def set_joining(cohort: Cohort, *, open_: bool) -> None:
    cohort.joining_open = open_
    await cohort.save(update_fields=["joining_open"])


def check_pin(form: Fields, name: str = "pin") -> str:
    pin = str(form.raw(name) or "").strip()
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 6):
        form.error(name, N_("The PIN is 4 to 6 digits."))
    return pin


async def join_cohort(
    data: dict[str, Any], *, client: str, max_failures: int, now: datetime | None = None
) -> tuple[Participant, bool]:
    """Join by code, name and PIN — or sign in again when the name is yours. (member, created)."""
    now = now or utcnow()
    key = rate_key("join", client)
    await check_rate(key, limit=max_failures, window=JOIN_WINDOW, now=now)
    form = Fields(data)
    code = normalise_code(str(form.raw("code") or ""))
    if not code:
        form.error("code", N_("This field is required."))
    display_name = form.text("display_name", max_len=NAME_MAX)
    pin = check_pin(form)
    first_name = form.text("first_name", required=False, max_len=NAME_MAX)
    last_name = form.text("last_name", required=False, max_len=NAME_MAX)
    form.check()

    cohort = await Cohort.get_or_none(join_code=code)
    if cohort is None:
        await record_failure(key, now=now)
        raise NotFound(
            CohortsError.UNKNOWN_CODE, N_("This code does not open any cohort. Check it.")
        )
    existing = await Participant.get_or_none(cohort=cohort, name_key=name_key(display_name))
    if existing is not None:
        if await verify_secret(existing.pin_hash, pin):
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
            display_name=display_name,
            name_key=name_key(display_name),
            first_name=first_name,
            last_name=last_name,
            pin_hash=await hash_secret(pin),
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


def join_url(base_url: str, cohort: Cohort) -> str:
    """The link behind the join QR code, the poster and the API's `join_url`."""
    return f"{base_url.rstrip('/')}/j/{cohort.join_code}"


def ensure_open(cohort: Cohort, *, now: datetime | None = None, started: bool = True) -> None:
    """Raise 409 unless the cohort may still change: not closed nor past its end, and (with
    `started`) already begun. Every write of every domain goes through here."""
    now = now or utcnow()
    if cohort.is_frozen(now):
        raise DomainError(
            CohortsError.COHORT_CLOSED, N_("This cohort is closed: nothing can change any more.")
        )
    if started and now < cohort.starts_at:
        raise DomainError(CohortsError.COHORT_NOT_STARTED, N_("This cohort has not started yet."))
