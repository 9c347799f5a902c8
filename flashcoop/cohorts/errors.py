"""Error codes of the cohorts domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class CohortsError(StrEnum):
    UNKNOWN_CODE = "unknown_code"
    NAME_TAKEN = "name_taken"
    JOINING_CLOSED = "joining_closed"
    COHORT_CLOSED = "cohort_closed"
    COHORT_NOT_STARTED = "cohort_not_started"
    CARD_INVALID = "card_invalid"
