"""The certificates' sections of the participant home and of the cohort dashboard."""

from __future__ import annotations

from typing import Any

from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.domain import Section
from flashcoop.core.principal import Principal


async def home_section(
    cohort: Cohort, participant: Participant, page: dict[str, Any] | None = None
) -> Section | None:
    """The member's certificate, once issued: download it, share its verification link."""
    certificate = await Certificate.get_or_none(cohort_id=cohort.id, participant_id=participant.id)
    if certificate is None:
        return None
    return ("certificates/_home_section.html", {"cohort": cohort, "certificate": certificate})


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """How many certificates are issued, and the way to the certificates page."""
    if not principal.is_staff:
        return None
    issued = await Certificate.filter(cohort_id=cohort.id).count()
    revoked = await Certificate.filter(cohort_id=cohort.id, revoked_at__isnull=False).count()
    return (
        "certificates/_dashboard_section.html",
        {"cohort": cohort, "issued": issued, "revoked": revoked},
    )
