"""Workshops of a cohort's programme (filled in by the workshops capability)."""

from __future__ import annotations

from flashcoop.cohorts.models import Cohort


async def create_default_programme(cohort: Cohort) -> list[object]:
    """Create the default 7-day Flashcoop programme over the cohort's dates."""
    return []
