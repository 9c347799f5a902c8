"""The cohort's books in figures: totals by participant, day, label and payment method.

Every figure is an SQL aggregate (SUM/COUNT ... GROUP BY) over integer cents; a reversal is a
negative line in the same book as the entry it undoes, so sums are net of corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.functions import Count, Sum

from flashcoop.cohorts.members import names_by_id
from flashcoop.core.principal import Principal
from flashcoop.ledger.models import REVERSAL, LedgerEntry


@dataclass(frozen=True)
class ParticipantTotal:
    participant_id: str | None
    display_name: str
    sales: int
    count: int


@dataclass(frozen=True)
class LedgerSummary:
    currency: str
    sales: int
    expenses: int
    entries: int
    by_participant: list[ParticipantTotal] = field(default_factory=list)
    by_day: list[tuple[str, int]] = field(default_factory=list)
    by_label: list[tuple[str, int, int]] = field(default_factory=list)
    by_payment_method: list[tuple[str, int]] = field(default_factory=list)

    @property
    def surplus(self) -> int:
        return self.sales - self.expenses


async def _standing_counts(cohort_id: Any, **filters: Any) -> dict[Any, int]:
    # A sale counts 1, its reversal -1: the number of sales that still stand, per member.
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale", **filters)
        .annotate(n=Count("id"))
        .group_by("participant_id", "kind")
        .values("participant_id", "kind", "n")
    )
    counts: dict[Any, int] = {}
    for row in rows:
        sign = -1 if row["kind"] == REVERSAL else 1
        counts[row["participant_id"]] = counts.get(row["participant_id"], 0) + sign * row["n"]
    return counts


async def book_totals(cohort_id: Any) -> dict[str, int]:
    """Net total per book ("sale", "expense") in cents."""
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id)
        .annotate(total=Sum("amount_cents"))
        .group_by("book")
        .values("book", "total")
    )
    return {row["book"]: int(row["total"] or 0) for row in rows}


async def collective_sales(cohort_id: Any) -> int:
    """What the cohort has sold together, net of corrections, in cents."""
    return (await book_totals(cohort_id)).get("sale", 0)


async def ledger_summary(
    cohort_id: Any, currency: str, *, viewer: Principal | None = None
) -> LedgerSummary:
    """All the totals the facilitator's view and GET .../ledger show, people named as `viewer`
    sees them."""
    books = await book_totals(cohort_id)
    entries = await LedgerEntry.filter(cohort_id=cohort_id).count()
    sales = LedgerEntry.filter(cohort_id=cohort_id, book="sale")
    people = (
        await sales.annotate(total=Sum("amount_cents"))
        .group_by("participant_id")
        .values("participant_id", "total")
    )
    counts = await _standing_counts(cohort_id)
    names = await names_by_id(cohort_id, viewer)
    by_participant = sorted(
        (
            ParticipantTotal(
                participant_id=str(row["participant_id"]) if row["participant_id"] else None,
                display_name=names.get(str(row["participant_id"]), ""),
                sales=int(row["total"] or 0),
                count=counts.get(row["participant_id"], 0),
            )
            for row in people
        ),
        key=lambda t: (-t.sales, t.display_name),
    )
    days = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale")
        .annotate(total=Sum("amount_cents"))
        .group_by("local_day")
        .order_by("local_day")
        .values("local_day", "total")
    )
    labels = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale")
        .annotate(total=Sum("amount_cents"), qty=Sum("quantity"))
        .group_by("label")
        .order_by("label")
        .values("label", "total", "qty")
    )
    methods = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale")
        .annotate(total=Sum("amount_cents"))
        .group_by("payment_method")
        .order_by("payment_method")
        .values("payment_method", "total")
    )
    return LedgerSummary(
        currency=currency,
        sales=books.get("sale", 0),
        expenses=books.get("expense", 0),
        entries=entries,
        by_participant=by_participant,
        by_day=[(r["local_day"], int(r["total"] or 0)) for r in days],
        by_label=sorted(
            ((r["label"], int(r["total"] or 0), int(r["qty"] or 0)) for r in labels),
            key=lambda t: (-t[1], t[0]),
        ),
        by_payment_method=[(r["payment_method"], int(r["total"] or 0)) for r in methods],
    )


async def participant_sales(cohort_id: Any, participant_id: Any) -> tuple[int, int]:
    """(net sales in cents, standing sales count) of one participant."""
    row = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale", participant_id=participant_id)
        .annotate(total=Sum("amount_cents"))
        .group_by("participant_id")
        .values("total")
    )
    if not row:
        return 0, 0
    counts = await _standing_counts(cohort_id, participant_id=participant_id)
    return int(row[0]["total"] or 0), sum(counts.values())
