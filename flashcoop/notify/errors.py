"""Error codes of the notify domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class NotifyError(StrEnum):
    DELIVERY_NOT_FAILED = "delivery_not_failed"
