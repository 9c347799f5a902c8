"""The workshops' sections of the participant home and of the cohort dashboard."""

from __future__ import annotations

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.principal import Principal
from flashcoop.sections import Section


async def home_section(cohort: Cohort, participant: Participant) -> Section | None:
    """The upcoming programme on the participant's home."""
    return None


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """The programme on the facilitator's dashboard."""
    return None


async def attendance_hours(cohort_id: object) -> dict[str, float]:
    """Attended hours per participant id (as str) of a cohort."""
    return {}
