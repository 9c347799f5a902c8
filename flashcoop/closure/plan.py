"""What closing a cohort will do, or did: the figures of its confirmation page and sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flashcoop.certificates.issuing import standings
from flashcoop.closure.accounts import (
    Accounts,
    PlannedShare,
    final_accounts,
    plan_shares,
    stored_shares,
)
from flashcoop.closure.engine import CLAIM_TIMEOUT
from flashcoop.closure.errors import ClosureError
from flashcoop.closure.models import Closure, Share
from flashcoop.cohorts.members import member_count
from flashcoop.cohorts.models import Cohort
from flashcoop.ledger.chain import Verification, verify_chain
from flashcoop.notify.models import Webhook


@dataclass(frozen=True)
class Plan:
    """Before closure: the books as they stand and the shares they would give."""

    books: Accounts
    rule: str
    members: int
    shares: list[PlannedShare]
    eligible: int
    webhooks: int
    verification: Verification


async def plan(cohort: Cohort, *, now: datetime) -> Plan:
    figures = await final_accounts(cohort.id)
    found = await standings(cohort, now=now)
    live = await Webhook.filter(deleted_at__isnull=True)
    endpoints = [w for w in live if "cohort.closed" in w.events]
    return Plan(
        books=figures,
        rule=cohort.surplus_rule,
        members=await member_count(cohort.id),
        shares=await plan_shares(cohort, figures.surplus, cohort.surplus_rule),
        eligible=sum(1 for s in found.values() if s.eligible),
        webhooks=len(endpoints),
        verification=await verify_chain(cohort.id),
    )


@dataclass(frozen=True)
class State:
    """During and after closure: the closure row, its shares, and what stopped it."""

    closure: Closure
    shares: list[Share]
    broken_at: str | None  # the first bad entry when the ledger stopped the closure
    stalled: bool  # claimed long ago by a worker that is gone: the sweep resumes it


async def state(cohort: Cohort, *, now: datetime) -> State | None:
    closure = await Closure.get_or_none(cohort_id=cohort.id)
    if closure is None:
        return None
    broken_at = None
    if closure.error.startswith(ClosureError.LEDGER_BROKEN):
        broken_at = closure.error.partition(":")[2] or "?"
    return State(
        closure=closure,
        shares=await stored_shares(cohort.id),
        broken_at=broken_at,
        stalled=closure.finished_at is None and closure.claimed_at < now - CLAIM_TIMEOUT,
    )
