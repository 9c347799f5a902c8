"""Realistic sales for the demo cohort: two market mornings, an expense, one correction."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from flashcoop.accounts.models import User
from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort, Product
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.ledger.drafts import Draft, Reversal
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.services import record_entry, reverse_entry


async def record_demo_sales(
    cohort: Cohort, facilitator: User, *, now: datetime | None = None
) -> int:
    """Record the demo's books once (nothing when the cohort already has entries)."""
    now = now or utcnow()
    if await LedgerEntry.exists(cohort_id=cohort.id):
        return 0
    rng = random.Random(2026)  # the same demo every time
    sellers = await members(cohort.id)
    products = await Product.filter(cohort_id=cohort.id).order_by("position")
    staff = Principal(user=facilitator)
    count = 0
    expense = Draft(
        id=uuid.uuid4(),
        kind="expense",
        book="expense",
        amount_cents=4680,
        quantity=1,
        label="Oranges et sucre (Metro)",
        payment_method="card",
        occurred_at=_at(cohort, now, 2, 8),
    )
    await record_entry(cohort, expense, principal=staff, now=now)
    count += 1
    first_sale = None
    for days_ago in (1, 0):
        for minute in range(0, 180, 9):
            moment = _at(cohort, now, days_ago, 9) + timedelta(minutes=minute)
            if moment >= now:
                break
            member = rng.choice(sellers)
            product = rng.choice(products)
            quantity = rng.choice((1, 1, 1, 2, 3))
            sale = Draft(
                id=uuid.uuid4(),
                kind="sale",
                book="sale",
                amount_cents=product.price_cents * quantity,
                quantity=quantity,
                label=product.label,
                payment_method=rng.choice(("cash", "cash", "cash", "card")),
                occurred_at=moment,
            )
            done = await record_entry(
                cohort, sale, principal=Principal(participant=member), now=now
            )
            first_sale = first_sale or done.entry
            count += 1
    if first_sale is not None:
        correction = Reversal(id=uuid.uuid4(), reason="Saisie en double")
        await reverse_entry(cohort, first_sale.id, correction, principal=staff, now=now)
        count += 1
    return count


def _at(cohort: Cohort, now: datetime, days_ago: int, hour: int) -> datetime:
    local = (now - timedelta(days=days_ago)).astimezone(cohort.tz)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return max(moment, cohort.starts_at).astimezone(UTC)
