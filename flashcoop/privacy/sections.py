"""Privacy's section of the cohort dashboard: erasure links, for admins only."""

from __future__ import annotations

from flashcoop.cohorts.members import members, person_name
from flashcoop.cohorts.models import Cohort
from flashcoop.core.domain import Section
from flashcoop.core.principal import Principal


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """Only an admin erases, and only from here or the API."""
    if principal.role != "admin":
        return None
    people = [
        (p, person_name(p, principal)) for p in await members(cohort.id) if p.erased_at is None
    ]
    return "privacy/_dashboard_section.html", {"cohort": cohort, "people": people}
