"""The workshops' sections of the participant home and of the cohort dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.domain import Section
from flashcoop.core.principal import Principal
from flashcoop.notify.services import recent_notifications, render_text
from flashcoop.workshops.attendance import EARLY_CHECKIN
from flashcoop.workshops.models import ATTENDED, CANCELLED, Attendance, Workshop
from flashcoop.workshops.reports import attended_minutes, last_checkin_by_participant

HOME_LIMIT = 5
DASHBOARD_LIMIT = 8


async def _upcoming(cohort: Cohort, now: datetime, limit: int) -> list[Workshop]:
    """The next workshops of the cohort (cancelled ones included, shown struck through)."""
    return (
        await Workshop.filter(cohort_id=cohort.id, ends_at__gt=now)
        .order_by("starts_at")
        .limit(limit)
    )


async def home_section(
    cohort: Cohort, participant: Participant, page: dict[str, Any] | None = None
) -> Section | None:
    """The upcoming programme on the participant's home."""
    now = utcnow()
    upcoming = await _upcoming(cohort, now, HOME_LIMIT)
    notes = [
        {"text": render_text(n.msgid, n.params), "created_at": n.created_at}
        for n in await recent_notifications(participant.id)
    ]
    if not upcoming and not notes:
        return None
    return (
        "workshops/_home_section.html",
        {
            "cohort": cohort,
            "workshops": upcoming,
            "notifications": notes,
            "now": now,
            "checkin": await _checkin_now(upcoming, participant, now),
        },
    )


async def _checkin_now(
    upcoming: Sequence[Workshop], participant: Participant, now: datetime
) -> list[tuple[Workshop, bool]]:
    """The workshops open for check-in right now, each with whether the member is checked in:
    the home then offers the field for the 6 digits of the screen."""
    open_now = [
        w
        for w in upcoming
        if w.status != CANCELLED and w.starts_at - EARLY_CHECKIN <= now < w.ends_at
    ]
    if not open_now:
        return []
    attended = set(
        await Attendance.filter(
            workshop_id__in=[w.id for w in open_now],
            participant_id=participant.id,
            status__in=list(ATTENDED),
        ).values_list("workshop_id", flat=True)
    )
    return [(w, w.id in attended) for w in open_now]


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """The programme on the facilitator's dashboard."""
    now = utcnow()
    upcoming = await _upcoming(cohort, now, DASHBOARD_LIMIT)
    total = await Workshop.filter(cohort_id=cohort.id).count()
    return (
        "workshops/_dashboard_section.html",
        {"cohort": cohort, "workshops": upcoming, "total": total, "now": now},
    )


async def attendance_hours(cohort_id: object) -> dict[str, float]:
    """Attended hours per participant id (as str) of a cohort."""
    return {pid: minutes / 60 for pid, minutes in (await attended_minutes(cohort_id)).items()}


async def member_figures(
    cohort: Cohort, members: Sequence[Participant]
) -> dict[str, dict[str, Any]]:
    """Each member's attended hours and last check-in, for the participants' list."""
    hours = await attendance_hours(cohort.id)
    last = await last_checkin_by_participant(cohort.id)
    return {
        str(p.id): {
            "attendance_hours": round(hours.get(str(p.id), 0.0), 2),
            "last_checkin_at": last.get(str(p.id)),
        }
        for p in members
    }
