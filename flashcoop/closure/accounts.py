"""The final accounts of a cohort and the shares of its surplus, by the cohort's rule.

The same functions plan the shares on the confirmation page and fix them at closure, so what
the facilitator is shown before closing is what the members get.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flashcoop.closure.models import Share
from flashcoop.closure.split import split_surplus
from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.reports import book_totals
from flashcoop.ledger.services import sales_by_participant
from flashcoop.workshops.reports import attended_minutes


@dataclass(frozen=True)
class Accounts:
    sales: int  # cents, net of reversals
    expenses: int
    entries: int

    @property
    def surplus(self) -> int:
        """Positive: shared among the members; zero or negative (a deficit): never shared."""
        return self.sales - self.expenses


@dataclass(frozen=True)
class PlannedShare:
    participant: Participant
    basis: int  # 1 (equal), attended minutes (hours) or net sales in cents (sales)
    amount: int  # cents


async def final_accounts(cohort_id: Any) -> Accounts:
    """Sales, expenses and the number of entries, from the ledger's own totals."""
    books = await book_totals(cohort_id)
    entries = await LedgerEntry.filter(cohort_id=cohort_id).count()
    return Accounts(books.get("sale", 0), books.get("expense", 0), entries)


async def bases(cohort: Cohort, rule: str, people: list[Participant]) -> dict[str, int]:
    """Each member's weight under `rule`, by participant id: what the surplus is pro rata of."""
    if rule == "hours":
        figures = await attended_minutes(cohort.id)
    elif rule == "sales":
        figures = await sales_by_participant(cohort.id)
    else:
        figures = {str(p.id): 1 for p in people}
    # Net sales cannot go below zero through the ledger's rules; a weight never does.
    return {str(p.id): max(0, figures.get(str(p.id), 0)) for p in people}


async def plan_shares(cohort: Cohort, surplus: int, rule: str) -> list[PlannedShare]:
    """Who would get what of `surplus` under `rule` (empty for a deficit or nobody)."""
    people = await members(cohort.id)
    weights = await bases(cohort, rule, people)
    amounts = split_surplus(surplus, weights)
    return [
        PlannedShare(p, weights[str(p.id)], amounts[str(p.id)])
        for p in people
        if str(p.id) in amounts
    ]


async def store_shares(cohort: Cohort, planned: list[PlannedShare]) -> None:
    """Fix the shares; (cohort, participant) is unique, so a retry inserts nothing twice."""
    if planned:
        await Share.bulk_create(
            [
                Share(
                    cohort_id=cohort.id,
                    participant_id=s.participant.id,
                    basis=s.basis,
                    amount_cents=s.amount,
                )
                for s in planned
            ],
            ignore_conflicts=True,
        )


async def stored_shares(cohort_id: Any) -> list[Share]:
    """The shares fixed at closure, largest first (then in the members' order of arrival)."""
    return (
        await Share.filter(cohort_id=cohort_id)
        .prefetch_related("participant")
        .order_by("-amount_cents", "participant__joined_at", "id")
    )
