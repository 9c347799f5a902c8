"""Recording sales, expenses and reversals: exactly once, in sequence, chained."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.fields import TEXT_MAX, TITLE_MAX, Fields, parse_amount
from flashcoop.core.principal import Principal
from flashcoop.ledger.chain import GENESIS, entry_hash
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import KINDS, PAYMENT_METHODS, REVERSAL, LedgerEntry, LedgerHead

MAX_QUANTITY = 100_000
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
ATTEMPTS = 8


@dataclass(frozen=True)
class Recorded:
    entry: LedgerEntry
    created: bool  # False: a replay of an entry already stored


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


def can_record_expenses(principal: Principal) -> bool:
    """Staff and a participant with the treasurer role."""
    if principal.is_staff:
        return True
    return principal.participant is not None and principal.participant.role == "treasurer"


def may_write(principal: Principal, cohort: Cohort) -> bool:
    if principal.participant is not None:
        return str(principal.participant.cohort_id) == str(cohort.id)
    return principal.is_staff


def _entry_id(form: Fields, name: str = "id") -> UUID | None:
    raw = form.raw(name)
    if isinstance(raw, str):
        try:
            return UUID(raw.strip())
        except ValueError:
            pass
    form.error(name, N_("Give a UUID that identifies this entry."))
    return None


def parse_entry(
    data: dict[str, Any], *, cohort: Cohort, ceiling_cents: int, now: datetime
) -> Draft:
    """Validate a sale or expense body; every invalid field is reported at once (422)."""
    form = Fields(data)
    entry_id = _entry_id(form)
    kind = form.choice("kind", KINDS, default="sale")
    amount = _amount(form, ceiling_cents)
    quantity = form.integer("quantity", low=1, high=MAX_QUANTITY, default=1)
    label = form.text("label", max_len=TITLE_MAX)
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


def _amount(form: Fields, ceiling_cents: int) -> int:
    raw = form.raw("amount")
    if raw in (None, ""):
        form.error("amount", N_("This field is required."))
        return 0
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
            max=f"{ceiling_cents // 100}.{ceiling_cents % 100:02d}",
        )
    return cents


async def record_entry(
    cohort: Cohort,
    data: dict[str, Any],
    *,
    principal: Principal,
    ceiling_cents: int,
    now: datetime | None = None,
) -> Recorded:
    """Record a sale or an expense once: a replay returns the stored entry, a clash is 409."""
    now = now or utcnow()
    if not may_write(principal, cohort):
        raise Forbidden()
    draft = parse_entry(data, cohort=cohort, ceiling_cents=ceiling_cents, now=now)
    if draft.kind == "expense" and not can_record_expenses(principal):
        raise Forbidden(
            LedgerError.EXPENSES_FORBIDDEN,
            N_("Only facilitators and the treasurer record expenses."),
        )
    return await _append(cohort, draft, principal=principal, now=now)


async def reverse_entry(
    cohort: Cohort,
    original_id: str,
    data: dict[str, Any],
    *,
    principal: Principal,
    now: datetime | None = None,
) -> Recorded:
    """Undo an entry with a reversal (negated amount, a reason); each entry at most once."""
    now = now or utcnow()
    if not may_write(principal, cohort):
        raise Forbidden()
    try:
        key = UUID(str(original_id))
    except ValueError as exc:
        raise NotFound() from exc
    original = await LedgerEntry.get_or_none(id=key, cohort_id=cohort.id)
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
    form = Fields(data)
    entry_id = _entry_id(form)
    reason = form.text("reason", max_len=TEXT_MAX)
    form.check()
    assert entry_id is not None
    if original.kind == REVERSAL:
        raise DomainError(
            LedgerError.REVERSAL_OF_REVERSAL, N_("A correction cannot itself be reversed.")
        )
    draft = Draft(
        id=entry_id,
        kind=REVERSAL,
        book=original.book,
        amount_cents=-original.amount_cents,
        quantity=-original.quantity,
        label=original.label,
        payment_method=original.payment_method,
        occurred_at=None,
        reverses_id=original.id,
        reason=reason,
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
