"""Error codes of the closure domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class ClosureError(StrEnum):
    COHORT_NOT_CLOSED = "cohort_not_closed"
    LEDGER_BROKEN = "ledger_broken"
    FOLLOW_UP_OVER = "follow_up_over"
    NO_NEW_OUTCOMES = "no_new_outcomes"
