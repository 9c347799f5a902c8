"""What a request asks the ledger to record, read from a JSON body or a form into dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flashcoop.cohorts.models import Cohort, Product
from flashcoop.core.errors import N_, NotFound
from flashcoop.core.fields import TEXT_MAX, TITLE_MAX, Fields, parse_amount
from flashcoop.core.i18n import money
from flashcoop.ledger.models import KINDS, PAYMENT_METHODS

MAX_QUANTITY = 100_000
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
MAX_PRODUCT_ID = 2**31 - 1  # an integer column: a larger id would be a database error


@dataclass(frozen=True)
class Draft:
    # A validated entry, not yet numbered nor chained.
    id: UUID
    kind: str
    book: str
    amount_cents: int
    quantity: int
    label: str
    payment_method: str
    occurred_at: datetime | None
    reverses_id: UUID | None = None
    reason: str = ""
    owner_id: Any = None  # for a reversal: the member whose line it corrects


@dataclass(frozen=True)
class Reversal:
    # A request to undo an entry: the id of the correcting entry, and why.
    id: UUID
    reason: str


def entry_key(raw: object) -> UUID:
    """An entry id taken from a path; a malformed one is 404, as an unknown one is."""
    try:
        return UUID(str(raw))
    except ValueError as exc:
        raise NotFound() from exc


async def read_entry(
    data: dict[str, Any], *, cohort: Cohort, ceiling_cents: int, now: datetime
) -> Draft:
    """A sale or expense body as a Draft, every invalid field reported at once (422).

    With "product_id" (one of this cohort's products) the label is the product's and a missing
    amount is its price × quantity; the database is read only then.
    """
    form = Fields(data)
    product = await _product(form, cohort)
    entry_id = _entry_id(form)
    kind = form.choice("kind", KINDS, default="sale")
    quantity = form.integer("quantity", low=1, high=MAX_QUANTITY, default=1)
    if product is None:
        label = form.text("label", max_len=TITLE_MAX)
        amount = _amount(form, ceiling_cents, cohort.currency)
    else:
        label = product.label
        price = product.price_cents * quantity if "quantity" not in form.errors else None
        amount = _amount(form, ceiling_cents, cohort.currency, default=price)
    payment_method = form.choice("payment_method", PAYMENT_METHODS, default="cash")
    occurred_at = None
    if form.raw("occurred_at") not in (None, ""):
        occurred_at = form.moment("occurred_at", cohort.tz)
        if occurred_at is not None and occurred_at > now + CLOCK_SKEW:
            form.error("occurred_at", N_("This time is in the future."))
        elif occurred_at is not None and occurred_at < cohort.starts_at - CLOCK_SKEW:
            form.error("occurred_at", N_("This time is before the cohort started."))
    form.check()
    assert entry_id is not None
    return Draft(
        id=entry_id,
        kind=kind,
        book=kind,
        amount_cents=amount,
        quantity=quantity,
        label=label,
        payment_method=payment_method,
        occurred_at=occurred_at,
    )


def read_reversal(data: dict[str, Any]) -> Reversal:
    """A reversal body (the new entry's id and a reason) as a Reversal; 422 when invalid."""
    form = Fields(data)
    entry_id = _entry_id(form)
    reason = form.text("reason", max_len=TEXT_MAX)
    form.check()
    assert entry_id is not None
    return Reversal(id=entry_id, reason=reason)


def _entry_id(form: Fields, name: str = "id") -> UUID | None:
    raw = form.raw(name)
    if isinstance(raw, str):
        try:
            return UUID(raw.strip())
        except ValueError:
            pass
    form.error(name, N_("Give a UUID that identifies this entry."))
    return None


async def _product(form: Fields, cohort: Cohort) -> Product | None:
    raw = form.raw("product_id")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    key = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        key = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        key = int(raw.strip())
    product = None
    if key is not None and 1 <= key <= MAX_PRODUCT_ID:
        # Scoped to the cohort: another cohort's product is as unknown as a made-up one.
        product = await Product.get_or_none(id=key, cohort_id=cohort.id)
    if product is None:
        form.error("product_id", N_("Choose a product from the list."))
    return product


@dataclass(frozen=True)
class _Money:
    # Formatted when the message is rendered, in the reader's language: "10 000,00 €".
    cents: int
    currency: str

    def __format__(self, spec: str) -> str:
        return money(self.cents, self.currency)


def _amount(form: Fields, ceiling_cents: int, currency: str, *, default: int | None = None) -> int:
    raw = form.raw("amount")
    if raw in (None, ""):
        if default is None:
            form.error("amount", N_("This field is required."))
            return 0
        cents: int | None = default
    else:
        cents = parse_amount(raw) if isinstance(raw, str | int) else None
    if cents is None:
        form.error("amount", N_("Enter an amount like 12,50."))
        return 0
    if cents <= 0:
        form.error("amount", N_("The amount must be above zero."))
    elif cents > ceiling_cents:
        form.error(
            "amount",
            N_("The amount may not exceed {max}."),
            max=_Money(ceiling_cents, currency),
        )
    return cents
