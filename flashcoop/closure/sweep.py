"""The closure sweep: close every cohort whose end has passed, resume the stalled closures.

Registered as the periodic job "closure" (every minute, and at each start, so a closure missed
while the server was down happens at the next start) and run once by `flashcoop close-due`.
Every worker may run it at the same moment: the engine's conditional updates decide.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from flashcoop.closure.engine import CLAIM_TIMEOUT, close_cohort
from flashcoop.closure.models import Closure
from flashcoop.cohorts.models import CLOSING, OPEN, Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError
from flashcoop.core.settings import Settings

log = logging.getLogger("flashcoop.closure")


async def close_due(settings: Settings, now: datetime | None = None) -> int:
    """Close the due cohorts and resume stalled closures; how many this call finished."""
    now = now or utcnow()
    due = (
        await Cohort.filter(status=OPEN, ends_at__lte=now)
        .order_by("ends_at")
        .values_list("id", flat=True)
    )
    # A stopped closure (error set) waits for a person: it is never retried in a loop here.
    stalled = await Closure.filter(
        cohort__status=CLOSING, error="", claimed_at__lt=now - CLAIM_TIMEOUT
    ).values_list("cohort_id", flat=True)
    closed = 0
    for cohort_id in [UUID(str(key)) for key in (*due, *stalled)]:
        try:
            closed += await close_cohort(cohort_id, trigger="schedule", settings=settings, now=now)
        except DomainError as exc:
            log.error("closure of cohort %s stopped: %s", cohort_id, exc.code)
        except Exception:
            # One cohort's failure must not keep the others open; its claim goes stale and
            # the sweep resumes it after CLAIM_TIMEOUT.
            log.exception("closure of cohort %s failed; it will be resumed", cohort_id)
    return closed
