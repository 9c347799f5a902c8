"""Issuing certificates: at closure for every eligible member, early or by override for one.

(Stub: implemented by the certificates work; the closure calls `issue_for_closure`.)
"""

from __future__ import annotations

from datetime import datetime

from flashcoop.cohorts.models import Cohort
from flashcoop.core.settings import Settings


async def issue_for_closure(cohort: Cohort, *, settings: Settings, now: datetime) -> int:
    """Issue a certificate to each eligible member who has none yet; the number issued now.

    Idempotent: a second call (a retry, another worker) issues nothing more."""
    raise NotImplementedError
