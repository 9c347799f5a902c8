"""Closing a cohort exactly once: the database decides who closes, every step is idempotent.

1. The claim: `UPDATE cohort SET status='closing' WHERE id=? AND status='active'` changes one
   row for exactly one worker; in the same transaction that worker creates the cohort's
   Closure (unique per cohort) with its name and `claimed_at`. From then on the cohort is
   frozen (`cohorts.services.ensure_open` refuses every write), so the books cannot move.
2. The steps, in order, each recorded in `closure.step` when done (STEPS). Each is safe to run
   again: the chain check and the totals are recomputed from frozen books, shares and
   certificates are unique per member, reports per format, the stored figures per cohort
   (cohort_figures), webhook deliveries per endpoint and event; the members' message is sent
   in the same transaction as the step change that records it, so it is sent once or not at
   all.
3. A worker that dies leaves its claim behind; after CLAIM_TIMEOUT another worker takes it over
   with a conditional UPDATE on the old worker's name and resumes after the recorded step.
   Each step change is conditional on the worker still holding the claim, so a worker that
   was only slow stops as soon as it notices it was replaced.

A broken ledger chain stops the closure for good: `closure.error` is set, the staff are told
once, the cohort stays `closing` (frozen, nothing shared) and no sweep retries it; closing it
again by hand (page or API) checks the chain again.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import User
from flashcoop.certificates import issuing
from flashcoop.certificates.models import Certificate
from flashcoop.closure import accounts, alerts, cohort_figures, reports
from flashcoop.closure.errors import ClosureError
from flashcoop.closure.models import Closure
from flashcoop.cohorts.members import member_count
from flashcoop.cohorts.models import CLOSED, CLOSING, OPEN, Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.fields import format_amount
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.ledger.chain import verify_chain
from flashcoop.notify import webhooks
from flashcoop.privacy import audit

# A claim older than this belongs to a worker that died (or hangs): another one takes over.
# A closure's steps take seconds; each step renews the claim.
CLAIM_TIMEOUT = timedelta(minutes=10)
STARTED, VERIFIED, COUNTED, SHARED, CERTIFIED, REPORTED, FIGURED, ANNOUNCED, TOLD, DONE = (
    "started",
    "verified",
    "accounts",
    "shares",
    "certificates",
    "reports",
    "figures",
    "webhook",
    "members_told",
    "done",
)
STEPS = (
    STARTED,
    VERIFIED,
    COUNTED,
    SHARED,
    CERTIFIED,
    REPORTED,
    FIGURED,
    ANNOUNCED,
    TOLD,
    DONE,
)
EVENT = "cohort.closed"


class LostClaim(Exception):
    """Another worker took this closure over: stop here, it finishes the work."""


def worker_name() -> str:
    """Unique per claim: host, process and a random part (two claims never share a name)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def event_key(cohort_id: Any) -> str:
    return f"{EVENT}:{cohort_id}"


@dataclass
class Run:
    """One worker's run of one closure, with a clock that moves on from the injected `now`."""

    cohort: Cohort
    closure: Closure
    worker: str
    settings: Settings
    now: datetime
    started: float

    def clock(self) -> datetime:
        return self.now + timedelta(seconds=time.monotonic() - self.started)

    async def advance(self, done: str, **changes: Any) -> None:
        """Record `done` (renewing the claim) if this worker still holds the closure."""
        moved = await Closure.filter(
            id=self.closure.id, worker=self.worker, step=self.closure.step
        ).update(step=done, claimed_at=self.clock(), **changes)
        if moved != 1:
            raise LostClaim()
        self.closure.step = done
        for name, value in changes.items():
            setattr(self.closure, name, value)


async def close_cohort(
    cohort_id: UUID | str,
    *,
    trigger: str,
    settings: Settings,
    now: datetime | None = None,
    by: User | None = None,
) -> bool:
    """Close the cohort, or resume its stalled closure; True when this call finished it.

    `trigger` is "schedule" (only once `ends_at` has passed) or "manual" (early, by the staff).
    Safe to call from any number of workers at once: one claims it, the others return False
    (a claim held by a live worker is left alone). Raises DomainError `ledger_broken` when the
    chain does not verify."""
    now = now or utcnow()
    cohort = await Cohort.get_or_none(id=cohort_id)
    if cohort is None:
        raise NotFound()
    run = await _claim(cohort, trigger=trigger, settings=settings, now=now, by=by)
    if run is None:
        return False
    try:
        await _resume(run)
    except LostClaim:
        return False
    return True


async def _claim(
    cohort: Cohort, *, trigger: str, settings: Settings, now: datetime, by: User | None
) -> Run | None:
    worker = worker_name()
    if cohort.status == OPEN:
        due = Cohort.filter(id=cohort.id, status=OPEN)
        if trigger != "manual":
            due = due.filter(ends_at__lte=now)
        try:
            async with in_transaction():
                if await due.update(status=CLOSING) == 1:
                    closure = await Closure.create(
                        cohort_id=cohort.id,
                        trigger=trigger,
                        requested_by_id=by.id if by else None,
                        worker=worker,
                        claimed_at=now,
                        started_at=now,
                        step=STARTED,
                        surplus_rule=cohort.surplus_rule,
                    )
                    cohort.status = CLOSING
                    return Run(cohort, closure, worker, settings, now, time.monotonic())
        except IntegrityError:
            return None  # a Closure row already exists: the cohort was claimed before
        await cohort.refresh_from_db()
    if cohort.status != CLOSING:
        return None  # closed already, or not due
    found = await Closure.get_or_none(cohort_id=cohort.id)
    if found is None or found.step == DONE:
        return None
    closure = found
    # Take over a dead worker's claim; a stopped closure (error) only when asked by a person.
    takeover = Closure.filter(id=closure.id, worker=closure.worker)
    if not (trigger == "manual" and closure.error):
        takeover = takeover.filter(claimed_at__lt=now - CLAIM_TIMEOUT, error="")
    if await takeover.update(worker=worker, claimed_at=now) != 1:
        return None
    closure.worker, closure.claimed_at = worker, now
    return Run(cohort, closure, worker, settings, now, time.monotonic())


async def _resume(run: Run) -> None:
    """Run the steps after the last one recorded, in order."""
    for done, step in STEP_WORK:
        if STEPS.index(run.closure.step) < STEPS.index(done):
            await step(run)


async def _verify(run: Run) -> None:
    result = await verify_chain(run.cohort.id)
    if not result.ok:
        # Told once: only the worker that sets the error tells the staff.
        first = await Closure.filter(id=run.closure.id, worker=run.worker, error="").update(
            error=f"{ClosureError.LEDGER_BROKEN}:{result.first_bad_seq}"
        )
        if first:
            await alerts.tell_staff_ledger_broken(
                run.cohort, result.first_bad_seq, settings=run.settings, now=run.clock()
            )
        raise DomainError(
            ClosureError.LEDGER_BROKEN,
            N_("The books do not verify (entry #{seq}): the closure stopped, nothing was shared."),
            seq=result.first_bad_seq,
        )
    await run.advance(VERIFIED, error="", ledger_head=result.head or "")


async def _count(run: Run) -> None:
    figures = await accounts.final_accounts(run.cohort.id)
    await run.advance(
        COUNTED,
        surplus_rule=run.cohort.surplus_rule,
        sales_cents=figures.sales,
        expenses_cents=figures.expenses,
        surplus_cents=figures.surplus,
        ledger_entries=figures.entries,
    )


async def _share(run: Run) -> None:
    planned = await accounts.plan_shares(
        run.cohort, run.closure.surplus_cents, run.closure.surplus_rule
    )
    await accounts.store_shares(run.cohort, planned)
    await run.advance(SHARED)


async def _certify(run: Run) -> None:
    await issuing.issue_for_closure(run.cohort, settings=run.settings, now=run.clock())
    await run.advance(CERTIFIED)


async def _report(run: Run) -> None:
    await reports.store_closure_reports(
        run.cohort, run.closure, settings=run.settings, now=run.clock()
    )
    await run.advance(REPORTED)


async def _figure(run: Run) -> None:
    # The funders' indicators read these instead of re-aggregating the cohort's raw data.
    await cohort_figures.store_closure_figures(run.cohort, run.closure.started_at)
    await run.advance(FIGURED)


async def _announce(run: Run) -> None:
    data = await event_data(run.cohort, run.closure, run.settings)
    await webhooks.queue_event(EVENT, event_key(run.cohort.id), data, now=run.clock())
    await run.advance(ANNOUNCED)


async def _tell(run: Run) -> None:
    async with in_transaction():
        await run.advance(TOLD)
        await alerts.tell_members(run.cohort, settings=run.settings, now=run.clock())


async def _finish(run: Run) -> None:
    async with in_transaction():
        await run.advance(DONE, finished_at=run.clock())
        moved = await Cohort.filter(id=run.cohort.id, status=CLOSING).update(
            status=CLOSED, closed_at=run.closure.started_at
        )
        if moved:
            user_id = run.closure.requested_by_id
            by = await User.get_or_none(id=user_id) if user_id else None
            await audit.record(
                actor=Principal(user=by) if by else None,
                action="cohort.closed",
                object=f"cohort:{run.cohort.id}",
                detail={"trigger": run.closure.trigger, "ledger_head": run.closure.ledger_head},
                cohort_id=run.cohort.id,
                now=run.clock(),
            )
    run.cohort.status, run.cohort.closed_at = CLOSED, run.closure.started_at


STEP_WORK: tuple[tuple[str, Callable[[Run], Awaitable[None]]], ...] = (
    (VERIFIED, _verify),
    (COUNTED, _count),
    (SHARED, _share),
    (CERTIFIED, _certify),
    (REPORTED, _report),
    (FIGURED, _figure),
    (ANNOUNCED, _announce),
    (TOLD, _tell),
    (DONE, _finish),
)


def report_urls(settings: Settings, cohort_id: Any) -> dict[str, str]:
    base = f"{settings.base_url.rstrip('/')}/api/v1/cohorts/{cohort_id}"
    return {fmt: f"{base}/report.{fmt}" for fmt in ("pdf", "csv", "json")}


async def event_data(cohort: Cohort, closure: Closure, settings: Settings) -> dict[str, Any]:
    """The `cohort.closed` webhook's data: figures and links, no personal data."""
    return {
        "cohort_id": str(cohort.id),
        "name": cohort.name,
        "closed_at": closure.started_at.isoformat(),
        "currency": cohort.currency,
        "participants": await member_count(cohort.id),
        "sales": format_amount(closure.sales_cents),
        "expenses": format_amount(closure.expenses_cents),
        "surplus": format_amount(closure.surplus_cents),
        "surplus_rule": closure.surplus_rule,
        "certificates_issued": await Certificate.filter(cohort_id=cohort.id).count(),
        "reports": report_urls(settings, cohort.id),
    }
