"""Signals the cohorts domain sends, for the domains above it to react to."""

from __future__ import annotations

from flashcoop.core.signals import Signal

cohort_created = Signal(
    "cohort_created",
    "A cohort was launched: send(cohort=Cohort, programme=str), inside its transaction.",
)
