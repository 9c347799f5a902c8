"""Periodic sweeps of the cohorts domain; each selects what is due and is safe to run twice."""

from __future__ import annotations

from flashcoop.scheduler import Sweep

# (name, sweep, interval in seconds); the workshops and closure work add theirs here.
SWEEPS: list[tuple[str, Sweep, int]] = []
