"""The closure report: figures built once, rendered as PDF, CSV and JSON, stored at closure.

(Stub: implemented by the reports work; the closure calls `store_closure_reports`.)
"""

from __future__ import annotations

from datetime import datetime

from flashcoop.closure.models import Closure
from flashcoop.cohorts.models import Cohort
from flashcoop.core.settings import Settings


async def store_closure_reports(
    cohort: Cohort, closure: Closure, *, settings: Settings, now: datetime
) -> None:
    """Build the closure report and store it (each format, each audience) unless it already is.

    Idempotent: a retry after a crash stores only what is missing."""
    raise NotImplementedError
