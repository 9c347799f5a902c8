"""Error codes of the workshops domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class WorkshopsError(StrEnum):
    INVALID_CHECKIN_CODE = "invalid_checkin_code"
    WORKSHOP_CANCELLED = "workshop_cancelled"
    NOT_A_MEMBER = "not_a_member"
    CHECKIN_CLOSED = "checkin_closed"
