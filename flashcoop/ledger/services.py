"""Recording sales, expenses and reversals: exactly once, in sequence, chained."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.expressions import F
from tortoise.functions import Max, Sum
from tortoise.transactions import in_transaction

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import as_utc, utcnow
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.principal import Principal
from flashcoop.ledger.chain import GENESIS, entry_hash
from flashcoop.ledger.drafts import Draft, Reversal
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import KINDS, REVERSAL, LedgerEntry, LedgerHead
from flashcoop.privacy import audit

ATTEMPTS = 8


@dataclass(frozen=True)
class Recorded:
    entry: LedgerEntry
    created: bool  # False: a replay of an entry already stored


def can_record_expenses(principal: Principal) -> bool:
    """Staff and a participant with the treasurer role."""
    if principal.is_staff:
        return True
    return principal.participant is not None and principal.participant.role == "treasurer"


def may_write(principal: Principal, cohort: Cohort) -> bool:
    if principal.participant is not None:
        return str(principal.participant.cohort_id) == str(cohort.id)
    return principal.is_staff


async def record_entry(
    cohort: Cohort, draft: Draft, *, principal: Principal, now: datetime | None = None
) -> Recorded:
    """Record a sale or an expense once: a replay returns the stored entry, a clash is 409."""
    now = now or utcnow()
    if draft.kind not in KINDS or draft.book != draft.kind or draft.reverses_id is not None:
        raise ValueError("record_entry records sales and expenses; reverse_entry, reversals")
    if not may_write(principal, cohort):
        raise Forbidden()
    if draft.kind == "expense" and not can_record_expenses(principal):
        raise Forbidden(
            LedgerError.EXPENSES_FORBIDDEN,
            N_("Only facilitators and the treasurer record expenses."),
        )
    return await _append(cohort, draft, principal=principal, now=now)


async def reversal_target(
    cohort: Cohort, original_id: UUID, *, principal: Principal
) -> LedgerEntry:
    """The entry `principal` may correct: 404 when it is not this cohort's, 403 when it is
    neither theirs nor theirs to correct. Routes ask before reading the body (404/403 first)."""
    if not may_write(principal, cohort):
        raise Forbidden()
    original = await LedgerEntry.get_or_none(id=original_id, cohort_id=cohort.id)
    if original is None:
        raise NotFound()
    own = (
        principal.participant is not None
        and original.participant_id is not None
        and str(original.participant_id) == str(principal.participant.id)
    )
    if not (own or can_record_expenses(principal)):
        raise Forbidden(
            LedgerError.REVERSAL_FORBIDDEN,
            N_("Only facilitators, the treasurer or the author may correct an entry."),
        )
    return original


async def reverse_entry(
    cohort: Cohort,
    original_id: UUID,
    reversal: Reversal,
    *,
    principal: Principal,
    now: datetime | None = None,
) -> Recorded:
    """Undo an entry of this cohort with a reversal (negated amount, the reason), at most once;
    an entry of another cohort is 404, a replay of the same reversal returns it."""
    now = now or utcnow()
    original = await reversal_target(cohort, original_id, principal=principal)
    if original.kind == REVERSAL:
        raise DomainError(
            LedgerError.REVERSAL_OF_REVERSAL, N_("A correction cannot itself be reversed.")
        )
    draft = Draft(
        id=reversal.id,
        kind=REVERSAL,
        book=original.book,
        amount_cents=-original.amount_cents,
        quantity=-original.quantity,
        label=original.label,
        payment_method=original.payment_method,
        occurred_at=None,
        reverses_id=original.id,
        reason=reversal.reason,
        owner_id=original.participant_id,
    )
    return await _append(cohort, draft, principal=principal, now=now)


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
        and (draft.occurred_at is None or _ms(entry.occurred_at) == _ms(draft.occurred_at))
    )


def _ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def _replay(draft: Draft, cohort: Cohort, principal: Principal) -> Recorded | None:
    existing = await LedgerEntry.get_or_none(id=draft.id)
    if existing is None:
        return None
    if not _same(existing, draft, cohort, principal):
        raise DomainError(
            LedgerError.DUPLICATE_ID_CONFLICT,
            N_("This entry id was already used for a different entry."),
        )
    return Recorded(existing, created=False)


async def _append(cohort: Cohort, draft: Draft, *, principal: Principal, now: datetime) -> Recorded:
    # Replays first, so a phone replaying after closure still gets its stored entry.
    found = await _replay(draft, cohort, principal)
    if found is not None:
        return found
    for attempt in range(ATTEMPTS):
        try:
            return await _append_once(cohort, draft, principal=principal, now=now)
        except (IntegrityError, OperationalError):
            # A concurrent writer took this seq (or this id): look again, then retry.
            found = await _replay(draft, cohort, principal)
            if found is not None:
                return found
            if attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


async def _append_once(
    cohort: Cohort, draft: Draft, *, principal: Principal, now: datetime
) -> Recorded:
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "sqlite":
            # SQLite has no row locks. Write first, so this transaction holds the write lock
            # before it reads the head: another process appending then makes us wait (busy
            # timeout) instead of failing at once with "database is locked".
            await LedgerHead.filter(cohort_id=cohort.id).using_db(conn).update(seq=F("seq"))
        # The cohort row is the per-cohort lock on PostgreSQL (no-op on SQLite, where writes
        # are serialised); it also makes closure wait for appends in flight, and vice versa.
        locked = await Cohort.select_for_update().using_db(conn).get(id=cohort.id)
        ensure_open(locked, now=now)
        existing = await LedgerEntry.filter(id=draft.id).using_db(conn).first()
        if existing is not None:
            raise IntegrityError("entry id taken meanwhile")
        if draft.reverses_id is not None:
            taken = await LedgerEntry.filter(reverses_id=draft.reverses_id).using_db(conn).exists()
            if taken:
                raise DomainError(
                    LedgerError.ALREADY_REVERSED, N_("This entry was already corrected.")
                )
        head = await LedgerHead.filter(cohort_id=cohort.id).using_db(conn).first()
        prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
        author_id = principal.participant.id if principal.participant else None
        recorded_at = _ms(now)
        occurred_at = _ms(draft.occurred_at) if draft.occurred_at else recorded_at
        entry = LedgerEntry(
            id=draft.id,
            cohort_id=cohort.id,
            seq=prev_seq + 1,
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
        )
        entry.hash = entry_hash(entry)
        await entry.save(using_db=conn)
        if head is None:
            await LedgerHead.create(
                cohort_id=cohort.id, seq=entry.seq, hash=entry.hash, using_db=conn
            )
        else:
            # Conditional on the head we read: a concurrent append makes this match nothing.
            moved = (
                await LedgerHead.filter(cohort_id=cohort.id, seq=prev_seq)
                .using_db(conn)
                .update(seq=entry.seq, hash=entry.hash)
            )
            if moved != 1:
                raise IntegrityError("ledger head moved")
        if draft.reverses_id is not None:
            await audit.record(
                actor=principal,
                action="entry.reversed",
                object=f"entry:{draft.reverses_id}",
                detail={"reversal": str(entry.id), "seq": entry.seq},
                cohort_id=cohort.id,
                subject_id=draft.owner_id,
                now=now,
                using_db=conn,
            )
    return Recorded(entry, created=True)


async def sales_by_participant(cohort_id: object) -> dict[str, int]:
    """Net sales in cents per participant id (as str) of a cohort."""
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale", participant_id__isnull=False)
        .annotate(total=Sum("amount_cents"))
        .group_by("participant_id")
        .values("participant_id", "total")
    )
    return {str(row["participant_id"]): int(row["total"] or 0) for row in rows}


async def last_sale_by_participant(cohort_id: object) -> dict[str, datetime]:
    """When each participant of a cohort last recorded a sale (reversals are not activity)."""
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id, kind="sale", participant_id__isnull=False)
        .annotate(last=Max("recorded_at"))
        .group_by("participant_id")
        .values("participant_id", "last")
    )
    return {str(row["participant_id"]): as_utc(row["last"]) for row in rows if row["last"]}
