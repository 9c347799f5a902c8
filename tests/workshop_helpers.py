"""Shared builders for the workshop tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.workshops.drafts import WorkshopDraft
from flashcoop.workshops.models import Workshop
from flashcoop.workshops.services import create_workshops


async def make_workshop(
    cohort: Cohort,
    *,
    starts_at: datetime | None = None,
    hours: float = 3,
    title: str = "Étude de marché",
    **fields: Any,
) -> Workshop:
    starts_at = starts_at or utcnow() + timedelta(days=1)
    draft = WorkshopDraft(
        title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )
    [workshop] = await create_workshops(cohort, draft, now=cohort.starts_at)
    return workshop
