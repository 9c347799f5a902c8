"""The clock: aware UTC inside. Services take an injectable `now` and fall back to this."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
