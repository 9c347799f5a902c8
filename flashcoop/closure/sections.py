"""The closure's sections: on the dashboard (what closing will do, how it went, the result)
and on a member's home once closed (their share of the surplus)."""

from __future__ import annotations

from typing import Any

from flashcoop.closure import plan
from flashcoop.closure.models import Closure, Share
from flashcoop.cohorts.models import OPEN, Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.domain import Section
from flashcoop.core.principal import Principal


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """Staff: a link to close early, a stopped closure, or the result. Funders: the result."""
    now = utcnow()
    if cohort.status == OPEN:
        if not principal.is_staff:
            return None
        return (
            "closure/_dashboard_section.html",
            {"cohort": cohort, "state": None, "staff": True, "past_end": now >= cohort.ends_at},
        )
    current = await plan.state(cohort, now=now)
    return (
        "closure/_dashboard_section.html",
        {"cohort": cohort, "state": current, "staff": principal.is_staff, "past_end": True},
    )


async def home_section(
    cohort: Cohort, participant: Participant, page: dict[str, Any] | None = None
) -> Section | None:
    """Once closed: the member's share (or that nothing was shared, and why)."""
    if cohort.status == OPEN:
        return None
    closure = await Closure.get_or_none(cohort_id=cohort.id)
    share = await Share.get_or_none(cohort_id=cohort.id, participant_id=participant.id)
    return (
        "closure/_home_section.html",
        {"cohort": cohort, "closure": closure, "share": share},
    )
