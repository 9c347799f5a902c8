"""Each member's situation at exit, recorded by the staff, with history, for 12 months after
closure (the follow-ups at 3 and 6 months that funders ask for)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flashcoop.closure.errors import ClosureError
from flashcoop.closure.models import SITUATIONS, Outcome
from flashcoop.cohorts.models import CLOSED, Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError
from flashcoop.core.fields import TEXT_MAX, Fields

FOLLOW_UP_MONTHS = 12


@dataclass(frozen=True)
class OutcomeDraft:
    situation: str
    note: str = ""


def read_outcome(data: dict[str, Any]) -> OutcomeDraft:
    """Check an outcome body (422 with every invalid field)."""
    form = Fields({"situation": data.get("situation"), "note": data.get("note")})
    situation = form.raw("situation")
    if situation in (None, ""):
        form.error("situation", N_("This field is required."))
    situation = form.choice("situation", SITUATIONS, default="")
    note = form.text("note", required=False, max_len=TEXT_MAX)
    form.check()
    return OutcomeDraft(situation, note)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def follow_up_until(cohort: Cohort) -> datetime | None:
    """Until when outcomes may change (None while the cohort is not closed)."""
    if cohort.status != CLOSED or cohort.closed_at is None:
        return None
    return add_months(cohort.closed_at, FOLLOW_UP_MONTHS)


def ensure_follow_up_open(cohort: Cohort, now: datetime) -> None:
    until = follow_up_until(cohort)
    if until is not None and now > until:
        raise DomainError(
            ClosureError.FOLLOW_UP_OVER,
            N_("This cohort closed more than 12 months ago: situations can no longer change."),
        )


async def record_outcome(
    cohort: Cohort,
    participant: Participant,
    draft: OutcomeDraft,
    *,
    by: Any = None,
    now: datetime | None = None,
) -> tuple[Outcome, int]:
    """Record a member's situation as a new row (history is kept). (latest, rows so far).

    Allowed before closure and for 12 months after it; later: 409 `follow_up_over`."""
    now = now or utcnow()
    ensure_follow_up_open(cohort, now)
    row = await Outcome.create(
        cohort_id=cohort.id,
        participant_id=participant.id,
        situation=draft.situation,
        note=draft.note,
        recorded_by=by,
        recorded_at=now,
    )
    count = await Outcome.filter(cohort_id=cohort.id, participant_id=participant.id).count()
    return row, count


async def outcome_history(cohort: Cohort, participant_id: Any = None) -> list[Outcome]:
    """Every recorded situation of the cohort (or of one member), newest first."""
    query = Outcome.filter(cohort_id=cohort.id)
    if participant_id is not None:
        query = query.filter(participant_id=participant_id)
    return await query.order_by("-recorded_at", "-id").prefetch_related("recorded_by")
