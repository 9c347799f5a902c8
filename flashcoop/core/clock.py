"""The clock: aware UTC inside. Services take an injectable `now` and fall back to this."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | str) -> datetime:
    """An aware UTC datetime from what an aggregate (MAX of a datetime column) returns: SQLite
    gives ISO text, PostgreSQL a datetime; either may come without its zone (it is UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
