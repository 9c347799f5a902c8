"""Webhooks: endpoints an admin registers, and signed deliveries from a database outbox.

(Stub: implemented by the webhooks work; the closure calls `queue_event`.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


async def queue_event(event: str, key: str, data: dict[str, Any], *, now: datetime) -> int:
    """Queue `event` for every endpoint subscribed to it; the number of deliveries queued.

    `key` names the occurrence (e.g. "cohort.closed:<cohort id>"): queuing the same key again
    queues nothing (a unique constraint per endpoint), so a retried closure sends once."""
    raise NotImplementedError
