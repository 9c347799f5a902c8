"""Group commit of ledger appends: every append waiting in this process goes into one transaction.

A sale used to hold its cohort's lock across ten round trips and pay one commit (one fsync on
SQLite) of its own. Now an append joins a queue; one flusher per process takes everything
queued, and in one transaction locks the cohorts concerned (in id order, so processes never
deadlock), reads which ids are already stored and the chain heads, numbers and chains the batch,
inserts it in one statement, moves each head once and commits — then answers every request of
the batch. While it commits, new appends queue up for the next batch: under load batches grow,
alone an append waits for nobody. The invariants are those of a single append: a gapless
sequence per cohort, the chain, exactly once per id (a replay gets the stored entry), nothing
after closure, and durable before anyone is answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.principal import Principal
from flashcoop.ledger import batch_sql as sql
from flashcoop.ledger.chain import GENESIS, entry_hash
from flashcoop.ledger.drafts import Draft
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import LedgerEntry, LedgerHead
from flashcoop.privacy import audit

ATTEMPTS = 8
# A batch bounded so that one transaction stays short and one statement stays small.
MAX_BATCH = 256


@dataclass(frozen=True)
class Recorded:
    entry: LedgerEntry
    created: bool  # False: a replay of an entry already stored


@dataclass
class _Pending:
    cohort_id: Any
    draft: Draft
    principal: Principal
    now: datetime
    future: asyncio.Future[Recorded]


@dataclass
class _Appender:
    # One per event loop: its queue and the task flushing it, if any.
    loop: asyncio.AbstractEventLoop
    queue: list[_Pending] = field(default_factory=list)
    flusher: asyncio.Task[None] | None = None


_current: _Appender | None = None


def _appender() -> _Appender:
    global _current
    loop = asyncio.get_running_loop()
    if _current is None or _current.loop is not loop:
        _current = _Appender(loop)
    return _current


async def append(cohort_id: Any, draft: Draft, *, principal: Principal, now: datetime) -> Recorded:
    """Record `draft` in cohort `cohort_id` with the next batch; returns once committed."""
    appender = _appender()
    future: asyncio.Future[Recorded] = appender.loop.create_future()
    appender.queue.append(_Pending(cohort_id, draft, principal, now, future))
    if appender.flusher is None or appender.flusher.done():
        appender.flusher = appender.loop.create_task(_flush(appender))
    # Shielded: a client hanging up must not cancel the batch that other requests wait on.
    return await asyncio.shield(future)


async def _flush(appender: _Appender) -> None:
    # One turn of the event loop first: requests already read and validated in this turn join
    # the batch, at no cost in latency (nothing waits on a timer).
    await asyncio.sleep(0)
    while appender.queue:
        batch, appender.queue = appender.queue[:MAX_BATCH], appender.queue[MAX_BATCH:]
        await _commit(batch)


async def _commit(batch: list[_Pending]) -> None:
    for attempt in range(ATTEMPTS):
        try:
            outcomes = await _commit_once(batch)
        except (IntegrityError, OperationalError) as exc:
            # Another process took a seq or an id meanwhile (or SQLite stayed locked past its
            # timeout): the transaction rolled back whole, so try the batch again.
            if attempt == ATTEMPTS - 1:
                _settle(batch, [exc] * len(batch))
                return
            await asyncio.sleep(0.01 * (attempt + 1))
        except Exception as exc:  # every waiting request gets the failure, whatever it is
            _settle(batch, [exc] * len(batch))
            return
        else:
            _settle(batch, outcomes)
            return


def _settle(batch: list[_Pending], outcomes: Iterable[Recorded | BaseException]) -> None:
    for pending, outcome in zip(batch, outcomes, strict=True):
        if pending.future.done():
            continue
        if isinstance(outcome, BaseException):
            pending.future.set_exception(outcome)
        else:
            pending.future.set_result(outcome)


async def _commit_once(batch: list[_Pending]) -> list[Recorded | BaseException]:
    cohort_ids = sorted({str(p.cohort_id) for p in batch})
    targets = [p.draft.reverses_id for p in batch if p.draft.reverses_id is not None]
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "sqlite":
            # SQLite has no row locks. Write first, so this transaction holds the write lock
            # before it reads the heads: another process appending then makes us wait (busy
            # timeout) instead of failing at once with "database is locked".
            await sql.take_write_lock(conn, cohort_ids)
        # The cohort rows are the per-cohort locks on PostgreSQL (taken in id order); they also
        # make closure wait for appends in flight, and appends wait for a closure.
        cohorts = await sql.lock_cohorts(conn, cohort_ids)
        stored = await sql.stored_entries(conn, list({p.draft.id: None for p in batch}))
        reversed_ids = set()
        if targets:
            reversed_ids = set(
                await LedgerEntry.filter(reverses_id__in=targets)
                .using_db(conn)
                .values_list("reverses_id", flat=True)
            )
        heads = await sql.chain_heads(conn, cohort_ids)
        chains = dict(heads)
        outcomes: list[Recorded | BaseException] = []
        fresh: list[LedgerEntry] = []
        for pending in batch:
            outcome = _place(pending, cohorts, stored, reversed_ids, chains)
            if isinstance(outcome, Recorded) and outcome.created:
                stored[outcome.entry.id] = outcome.entry
                fresh.append(outcome.entry)
            outcomes.append(outcome)
        if fresh:
            await sql.insert_entries(conn, fresh)
            await _move_heads(conn, heads, chains)
            await _audit_reversals(conn, batch, outcomes)
    return outcomes


def _place(
    pending: _Pending,
    cohorts: dict[str, Cohort],
    stored: dict[Any, LedgerEntry],
    reversed_ids: set[Any],
    chains: dict[str, tuple[int, str]],
) -> Recorded | BaseException:
    """What becomes of one append in its batch: a replay, a refusal, or the next entry."""
    draft, principal = pending.draft, pending.principal
    cohort = cohorts.get(str(pending.cohort_id))
    existing = stored.get(draft.id)
    # Replays first, so a phone replaying after closure still gets its stored entry.
    if existing is not None:
        if cohort is None or not _same(existing, draft, cohort, principal):
            return DomainError(
                LedgerError.DUPLICATE_ID_CONFLICT,
                N_("This entry id was already used for a different entry."),
            )
        return Recorded(existing, created=False)
    if cohort is None:
        return NotFound()
    try:
        ensure_open(cohort, now=pending.now)
    except DomainError as refused:
        return refused
    if draft.reverses_id is not None:
        if draft.reverses_id in reversed_ids:
            return DomainError(
                LedgerError.ALREADY_REVERSED, N_("This entry was already corrected.")
            )
        reversed_ids.add(draft.reverses_id)
    prev_seq, prev_hash = chains.get(str(cohort.id), (0, GENESIS))
    entry = _entry(cohort, draft, principal, pending.now, prev_seq + 1, prev_hash)
    chains[str(cohort.id)] = (entry.seq, entry.hash)
    return Recorded(entry, created=True)


def _entry(
    cohort: Cohort, draft: Draft, principal: Principal, now: datetime, seq: int, prev_hash: str
) -> LedgerEntry:
    author_id = principal.participant.id if principal.participant else None
    recorded_at = ms(now)
    occurred_at = ms(draft.occurred_at) if draft.occurred_at else recorded_at
    # Made as the ORM makes the rows it reads (it is about to be one): the validating
    # constructor costs more than the rest of the append.
    entry = LedgerEntry._init_from_db(
        id=draft.id,
        cohort_id=cohort.id,
        seq=seq,
        kind=draft.kind,
        book=draft.book,
        amount_cents=draft.amount_cents,
        quantity=draft.quantity,
        label=draft.label,
        payment_method=draft.payment_method,
        participant_id=draft.owner_id if draft.reverses_id else author_id,
        author_id=author_id,
        recorded_by_id=principal.user.id if principal.user else None,
        reverses_id=draft.reverses_id,
        reason=draft.reason,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        local_day=occurred_at.astimezone(cohort.tz).date().isoformat(),
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = entry_hash(entry)
    return entry


async def _move_heads(
    conn: BaseDBAsyncClient,
    heads: dict[str, tuple[int, str]],
    chains: dict[str, tuple[int, str]],
) -> None:
    """Every head of the batch moved in one statement, each on the condition that it is still
    where we read it: a concurrent append makes the count fall short, and the batch retries."""
    new = [
        LedgerHead(cohort_id=key, seq=seq, hash=digest)
        for key, (seq, digest) in chains.items()
        if key not in heads
    ]
    if new:
        await LedgerHead.bulk_create(new, using_db=conn)
    moves = {
        key: (heads[key][0], seq, digest)
        for key, (seq, digest) in chains.items()
        if key in heads and heads[key][0] != seq
    }
    if moves and await sql.move_heads(conn, moves) != len(moves):
        raise IntegrityError("ledger head moved")


async def _audit_reversals(
    conn: BaseDBAsyncClient, batch: list[_Pending], outcomes: list[Recorded | BaseException]
) -> None:
    for pending, outcome in zip(batch, outcomes, strict=True):
        draft = pending.draft
        if draft.reverses_id is None or not isinstance(outcome, Recorded) or not outcome.created:
            continue
        await audit.record(
            actor=pending.principal,
            action="entry.reversed",
            object=f"entry:{draft.reverses_id}",
            detail={"reversal": str(outcome.entry.id), "seq": outcome.entry.seq},
            cohort_id=pending.cohort_id,
            subject_id=draft.owner_id,
            now=pending.now,
            using_db=conn,
        )


def _same(entry: LedgerEntry, draft: Draft, cohort: Cohort, principal: Principal) -> bool:
    if principal.participant is not None:
        author_ok = str(entry.author_id) == str(principal.participant.id)
    else:
        assert principal.user is not None
        author_ok = entry.author_id is None and entry.recorded_by_id == principal.user.id
    return (
        author_ok
        and str(entry.cohort_id) == str(cohort.id)
        and entry.kind == draft.kind
        and entry.amount_cents == draft.amount_cents
        and entry.quantity == draft.quantity
        and entry.label == draft.label
        and entry.payment_method == draft.payment_method
        and str(entry.reverses_id or "") == str(draft.reverses_id or "")
        and entry.reason == draft.reason
        and (draft.occurred_at is None or ms(entry.occurred_at) == ms(draft.occurred_at))
    )


def ms(moment: datetime) -> datetime:
    """A time cut to the millisecond, as the chain's canonical form writes it."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
