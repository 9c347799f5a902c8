"""The assessments' sections of the participant home and of the cohort dashboard."""

from __future__ import annotations

from typing import Any

from flashcoop.certificates.assessment_grid import competences_in_play
from flashcoop.certificates.assessments import assessed_count, latest
from flashcoop.cohorts.members import member_count
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.skills import cohort_framework
from flashcoop.core.domain import Section
from flashcoop.core.principal import Principal


async def home_section(
    cohort: Cohort, participant: Participant, page: dict[str, Any] | None = None
) -> Section | None:
    """A link to the member's self-assessment, with how many skills they answered."""
    competences, _ = await competences_in_play(cohort, await cohort_framework(cohort))
    codes = {c.code for c in competences}
    own = await latest(cohort.id, is_self=True)
    done = sum(1 for pid, code in own if pid == str(participant.id) and code in codes)
    return ("certificates/assess_home_section.html", {"done": done, "total": len(codes)})


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """How many members the facilitators assessed, and the way to the grid (staff only)."""
    if not principal.is_staff:
        return None
    context = {
        "cohort": cohort,
        "assessed": await assessed_count(cohort.id),
        "members": await member_count(cohort.id),
    }
    return ("certificates/assess_dashboard_section.html", context)
