"""Launching a cohort: the launch form or API body read into a `CohortDraft`, then created
with its product catalogue and funders, and its programme laid out by whoever listens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import list_currencies
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts import skills
from flashcoop.cohorts.models import PROGRAMMES, SURPLUS_RULES, Cohort, CohortFunder, Product
from flashcoop.cohorts.signals import cohort_created
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, Forbidden
from flashcoop.core.fields import TITLE_MAX, Fields, parse_amount, row_id
from flashcoop.core.principal import Principal

JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed by hand
JOIN_CODE_LENGTH = 8
MAX_PRODUCTS = 50
MAX_DURATION = timedelta(days=366)


@dataclass(frozen=True)
class ProductDraft:
    label: str
    price_cents: int


@dataclass(frozen=True)
class CohortDraft:
    # A launch that passed every check; `structure_id` is the organisation that runs it.
    name: str
    activity: str
    starts_at: datetime
    ends_at: datetime
    structure_id: int
    timezone: str = "Europe/Paris"
    location: str = ""
    currency: str = "EUR"
    surplus_rule: str = "equal"
    framework: str = skills.DEFAULT
    programme: str = "none"
    attendance_threshold: int = 0
    products: tuple[ProductDraft, ...] = ()
    funder_ids: tuple[int, ...] = ()


def _launcher(principal: Principal) -> Any:
    user = principal.user
    if user is None or user.role not in ("facilitator", "admin"):
        raise Forbidden()
    return user


async def read_cohort(
    data: dict[str, Any],
    *,
    principal: Principal,
    default_timezone: str,
    now: datetime | None = None,
) -> CohortDraft:
    """Check a launch body (every invalid field at once, 422) and return it as a draft."""
    now = now or utcnow()
    user = _launcher(principal)
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
    programme = form.choice("programme", PROGRAMMES, default="none")
    threshold = form.integer("attendance_threshold", low=0, high=100, default=0)
    products = _products(form)
    funder_ids = await _funders(form)
    structure_id = user.organisation_id
    if structure_id is None:
        structure_id = await _structure_for_admin(form)
    # The built-in frameworks, or one the structure running the cohort defined.
    usable = await skills.usable_frameworks(structure_id or None)
    framework = form.choice("framework", tuple(f.key for f in usable), default=skills.DEFAULT)
    form.check()
    assert starts_at is not None and ends_at is not None
    return CohortDraft(
        name=name,
        activity=activity,
        starts_at=starts_at,
        ends_at=ends_at,
        structure_id=structure_id,
        timezone=timezone,
        location=location,
        currency=currency,
        surplus_rule=surplus_rule,
        framework=framework,
        programme=programme,
        attendance_threshold=threshold,
        products=tuple(products),
        funder_ids=tuple(funder_ids),
    )


async def create_cohort(draft: CohortDraft, *, principal: Principal) -> Cohort:
    """Create the live cohort, its catalogue and funders, and its programme, all or nothing."""
    user = _launcher(principal)
    if user.organisation_id is not None and user.organisation_id != draft.structure_id:
        raise Forbidden()  # a facilitator launches for their own structure only
    async with in_transaction():
        cohort = await Cohort.create(
            structure_id=draft.structure_id,
            created_by_id=user.id,
            name=draft.name,
            activity=draft.activity,
            location=draft.location,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            timezone=draft.timezone,
            currency=draft.currency,
            surplus_rule=draft.surplus_rule,
            framework=draft.framework,
            attendance_threshold=draft.attendance_threshold,
            programme=draft.programme,
            join_code=await unique_code(),
        )
        await Product.bulk_create(
            [
                Product(cohort=cohort, label=p.label, price_cents=p.price_cents, position=position)
                for position, p in enumerate(draft.products)
            ]
        )
        await CohortFunder.bulk_create(
            [CohortFunder(cohort=cohort, funder_id=funder_id) for funder_id in draft.funder_ids]
        )
        # The workshops domain lays out the chosen programme: in this same transaction.
        await cohort_created.send(cohort=cohort, programme=draft.programme)
    return cohort


def _products(form: Fields) -> list[ProductDraft]:
    raw = form.raw("products") or []
    if not isinstance(raw, list) or len(raw) > MAX_PRODUCTS:
        form.error("products", N_("At most {max} products."), max=MAX_PRODUCTS)
        return []
    products: list[ProductDraft] = []
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
        products.append(ProductDraft(label.strip(), price))
    return products


async def _funders(form: Fields) -> list[int]:
    raw = form.raw("funders") or []
    given = [row_id(i) for i in raw] if isinstance(raw, list) else [None]
    if None in given:
        form.error("funders", N_("Choose funders from the list."))
        return []
    ids = sorted({i for i in given if i is not None})
    found = await Organisation.filter(id__in=ids, kind="funder").count() if ids else 0
    if found != len(ids):
        form.error("funders", N_("Choose funders from the list."))
    return ids


async def _structure_for_admin(form: Fields) -> int:
    raw = form.raw("structure_id")
    structure = None
    key = row_id(raw)
    if key is not None:
        structure = await Organisation.get_or_none(id=key, kind="structure")
    if structure is None:
        form.error("structure_id", N_("Choose the structure that runs this cohort."))
        return 0
    return structure.id


async def framework_options(principal: Principal) -> list[tuple[str, str]]:
    """(key, name) of the frameworks the launch form offers: the built-in ones and the
    structure's own (every structure's for an administrator, who launches for any)."""
    user = _launcher(principal)
    if user.organisation_id is None:
        found = await skills.every_framework()
    else:
        found = await skills.usable_frameworks(user.organisation_id)
    return [
        (f.key, f"{f.name} ({f.key})" if f.key not in skills.frameworks() else str(f.name))
        for f in found
    ]


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


async def unique_code() -> str:
    """A join code no other cohort has."""
    while True:
        code = new_join_code()
        if not await Cohort.exists(join_code=code):
            return code
