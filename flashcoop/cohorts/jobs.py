"""Periodic sweeps of the cohorts domain; each selects what is due and is safe to run twice."""

from __future__ import annotations

from flashcoop.cohorts.workshop_reminders import send_due_reminders
from flashcoop.notify import deliver_outbox
from flashcoop.scheduler import Sweep

# (name, sweep, interval in seconds); the workshops and closure work add theirs here.
SWEEPS: list[tuple[str, Sweep, int]] = [
    ("workshop_reminders", send_due_reminders, 60),
    ("outbox", deliver_outbox, 30),
]
