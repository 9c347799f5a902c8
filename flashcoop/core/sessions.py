"""Server-side session records: a signed cookie alone cannot be taken back, a record can.

The session cookie carries a random key; the database keeps only its SHA-256 and whether it
has ended. Signing out ends that record, so the same cookie replayed afterwards is refused;
a PIN reset, a password change or a facilitator's "sign out every device" ends them all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from flashcoop.core.clock import utcnow


class LiveSession(Model):
    # One signed-in browser or phone. `subject` names who ("user:12", "participant:<uuid>").
    id = fields.BigIntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    subject = fields.CharField(max_length=80, db_index=True)
    created_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "live_session"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def start_session(subject: str, *, now: datetime | None = None) -> str:
    """A new session for `subject`; the key (for the cookie) is returned, its digest kept."""
    key = secrets.token_urlsafe(32)
    await LiveSession.create(key_hash=_digest(key), subject=subject, created_at=now or utcnow())
    return key


async def session_alive(key: object, subject: str) -> bool:
    """True while the session with this key belongs to `subject` and has not ended."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return False
    return await LiveSession.filter(
        key_hash=_digest(key), subject=subject, ended_at__isnull=True
    ).exists()


async def end_session(key: object, *, now: datetime | None = None) -> None:
    if isinstance(key, str) and key and len(key) <= 100:
        await LiveSession.filter(key_hash=_digest(key), ended_at__isnull=True).update(
            ended_at=now or utcnow()
        )


async def end_sessions_of(subject: str, *, now: datetime | None = None) -> int:
    """End every session of `subject` (every device); how many were still open."""
    return await LiveSession.filter(subject=subject, ended_at__isnull=True).update(
        ended_at=now or utcnow()
    )


def user_subject(user_id: object) -> str:
    return f"user:{user_id}"


def participant_subject(participant_id: object) -> str:
    return f"participant:{participant_id}"
