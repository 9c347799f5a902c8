"""Recording sales, expenses and reversals: exactly once, in sequence, chained."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from tortoise.functions import Max, Sum

from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import as_utc, utcnow
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.principal import Principal
from flashcoop.ledger.appender import Recorded, append
from flashcoop.ledger.drafts import Draft, Reversal
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import KINDS, REVERSAL, LedgerEntry

__all__ = ["Recorded", "record_entry", "reverse_entry"]


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
    return await append(cohort.id, draft, principal=principal, now=now)


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
    return await append(cohort.id, draft, principal=principal, now=now)


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
