"""The cohort's books in figures: totals by participant, day, label and payment method.

Every figure is an SQL aggregate (SUM/COUNT ... GROUP BY) over integer cents; a reversal is a
negative line in the same book as the entry it undoes, so sums are net of corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

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


# Every total of the summary in one statement that reads the cohort's rows once: `f` groups
# them by every dimension at once (in the order of LedgerEntry's covering index, so the rows
# stream off the index, unsorted and without touching the table), then each branch of the
# UNION adds up those few groups along one dimension. {p}: the cohort id's placeholder,
# numbered so that one parameter serves the whole statement (?1 on SQLite, $1 on PostgreSQL).
SUMMARY_SQL = """
WITH f AS MATERIALIZED (
    SELECT book, kind, participant_id, local_day, label, payment_method,
           SUM(amount_cents) AS total, SUM(quantity) AS qty, COUNT(*) AS n
    FROM ledger_entry WHERE cohort_id = {p}
    GROUP BY book, kind, participant_id, local_day, label, payment_method
)
SELECT 'book' AS dim, book AS k, SUM(total) AS total, SUM(n) AS n, 0 AS qty
FROM f GROUP BY book
UNION ALL
SELECT 'participant', CAST(participant_id AS TEXT), SUM(total),
       SUM(CASE WHEN kind = 'reversal' THEN -n ELSE n END), 0
FROM f WHERE book = 'sale' GROUP BY participant_id
UNION ALL
SELECT 'day', local_day, SUM(total), 0, 0 FROM f WHERE book = 'sale' GROUP BY local_day
UNION ALL
SELECT 'label', label, SUM(total), 0, SUM(qty) FROM f WHERE book = 'sale' GROUP BY label
UNION ALL
SELECT 'method', payment_method, SUM(total), 0, 0
FROM f WHERE book = 'sale' GROUP BY payment_method
"""


async def _summary_rows(cohort_id: Any) -> list[dict[str, Any]]:
    client = LedgerEntry._meta.db
    # Each driver takes the id as Tortoise stores it: text in SQLite, a uuid in PostgreSQL.
    key: Any = UUID(str(cohort_id))
    if client.capabilities.dialect == "sqlite":
        return await client.execute_query_dict(SUMMARY_SQL.format(p="?1"), [str(key)])
    return await client.execute_query_dict(SUMMARY_SQL.format(p="$1"), [key])


async def ledger_summary(
    cohort_id: Any, currency: str, *, viewer: Principal | None = None
) -> LedgerSummary:
    """All the totals the facilitator's view and GET .../ledger show, people named as `viewer`
    sees them. Two queries, whatever the size of the books: the totals, and the names."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in await _summary_rows(cohort_id):
        grouped.setdefault(row["dim"], []).append(row)
    books = {r["k"]: int(r["total"] or 0) for r in grouped.get("book", [])}
    names = await names_by_id(cohort_id, viewer)
    # Sorted by id first so that equal totals and names always come in the same order.
    people = sorted(grouped.get("participant", []), key=lambda r: r["k"] or "")
    by_participant = sorted(
        (
            ParticipantTotal(
                participant_id=row["k"],
                display_name=names.get(str(row["k"]), ""),
                sales=int(row["total"] or 0),
                count=int(row["n"]),
            )
            for row in people
        ),
        key=lambda t: (-t.sales, t.display_name),
    )
    return LedgerSummary(
        currency=currency,
        sales=books.get("sale", 0),
        expenses=books.get("expense", 0),
        entries=sum(int(r["n"]) for r in grouped.get("book", [])),
        by_participant=by_participant,
        by_day=sorted((r["k"], int(r["total"] or 0)) for r in grouped.get("day", [])),
        by_label=sorted(
            ((r["k"], int(r["total"] or 0), int(r["qty"] or 0)) for r in grouped.get("label", [])),
            key=lambda t: (-t[1], t[0]),
        ),
        by_payment_method=sorted((r["k"], int(r["total"] or 0)) for r in grouped.get("method", [])),
    )


async def participant_sales(cohort_id: Any, participant_id: Any) -> tuple[int, int]:
    """(net sales in cents, standing sales count) of one participant, in one query."""
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale", participant_id=participant_id)
        .annotate(total=Sum("amount_cents"), n=Count("id"))
        .group_by("kind")
        .values("kind", "total", "n")
    )
    total = sum(int(row["total"] or 0) for row in rows)
    # A sale counts 1, its reversal -1: the number of sales that still stand.
    count = sum((-1 if row["kind"] == REVERSAL else 1) * row["n"] for row in rows)
    return total, count
