"""Realistic sales for the demo cohort: two market mornings, an expense, one correction."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from flashcoop.accounts.models import User
from flashcoop.cohorts.models import Cohort, Participant, Product
from flashcoop.core.clock import utcnow
from flashcoop.core.fields import format_amount
from flashcoop.core.principal import Principal
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.services import record_entry, reverse_entry

CEILING = 1_000_000


async def record_demo_sales(
    cohort: Cohort, facilitator: User, *, now: datetime | None = None
) -> int:
    """Record the demo's books once (nothing when the cohort already has entries)."""
    now = now or utcnow()
    if await LedgerEntry.exists(cohort_id=cohort.id):
        return 0
    rng = random.Random(2026)  # the same demo every time
    members = await Participant.filter(cohort_id=cohort.id).order_by("joined_at")
    products = await Product.filter(cohort_id=cohort.id).order_by("position")
    staff = Principal(user=facilitator)
    count = 0
    expense = {
        "kind": "expense",
        "label": "Oranges et sucre (Metro)",
        "amount": "46.80",
        "payment_method": "card",
        "occurred_at": _at(cohort, now, 2, 8).isoformat(),
    }
    await record_entry(
        cohort,
        {"id": str(uuid.uuid4()), **expense},
        principal=staff,
        ceiling_cents=CEILING,
        now=now,
    )
    count += 1
    first_sale = None
    for days_ago in (1, 0):
        for minute in range(0, 180, 9):
            moment = _at(cohort, now, days_ago, 9) + timedelta(minutes=minute)
            if moment >= now:
                break
            member = rng.choice(members)
            product = rng.choice(products)
            quantity = rng.choice((1, 1, 1, 2, 3))
            done = await record_entry(
                cohort,
                {
                    "id": str(uuid.uuid4()),
                    "kind": "sale",
                    "label": product.label,
                    "quantity": quantity,
                    "amount": format_amount(product.price_cents * quantity),
                    "payment_method": rng.choice(("cash", "cash", "cash", "card")),
                    "occurred_at": moment.isoformat(),
                },
                principal=Principal(participant=member),
                ceiling_cents=CEILING,
                now=now,
            )
            first_sale = first_sale or done.entry
            count += 1
    if first_sale is not None:
        await reverse_entry(
            cohort,
            str(first_sale.id),
            {"id": str(uuid.uuid4()), "reason": "Saisie en double"},
            principal=staff,
            now=now,
        )
        count += 1
    return count


def _at(cohort: Cohort, now: datetime, days_ago: int, hour: int) -> datetime:
    local = (now - timedelta(days=days_ago)).astimezone(cohort.tz)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return max(moment, cohort.starts_at)
