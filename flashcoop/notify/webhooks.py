"""Webhooks: endpoints an admin registers, and signed deliveries from a database outbox.

An event is queued as one `WebhookDelivery` row per subscribed endpoint, with the exact JSON
body stored once: every retry sends the same bytes and the same `Flashcoop-Delivery` id, so a
receiver drops duplicates by that id. (webhook, event_key) is unique, so queuing an occurrence
twice (a closure retried after a crash) queues nothing. Sending is a sweep: each due row is
claimed with a conditional UPDATE, which one worker wins; failures are retried with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound
from flashcoop.core.fields import Fields
from flashcoop.core.settings import Settings
from flashcoop.notify.errors import NotifyError
from flashcoop.notify.models import Webhook, WebhookDelivery
from flashcoop.notify.services import STALE_CLAIM, backoff

log = logging.getLogger("flashcoop.notify.webhooks")

# Every event an endpoint may subscribe to, with its label for the admin page.
EVENTS: dict[str, str] = {
    "cohort.closed": N_("A cohort is closed (its report is ready)"),
}
STATUSES = ("pending", "sending", "delivered", "failed")
# After this many failed attempts a delivery is marked failed. With backoff() (1 min, 2, 4, ...)
# the last attempt comes about 8.5 hours after the first.
MAX_ATTEMPTS = 10
BATCH = 100
URL_MAX = 500
# Short: a slow receiver must not hold the sweep; it is retried later like a failing one.
TIMEOUT = httpx.Timeout(5, connect=3)


@dataclass(frozen=True)
class WebhookDraft:
    url: str
    events: tuple[str, ...]


def read_webhook(data: dict[str, Any]) -> WebhookDraft:
    """Check a new endpoint: an http(s) URL with a host, and a non-empty list of known events."""
    fields = Fields(data)
    url = fields.text("url", max_len=URL_MAX)
    if url and not fields.errors.get("url"):
        try:
            parts = urlsplit(url)  # raises on a malformed [IPv6] host
            parts.port  # noqa: B018 -- raises on a port that is not a number
            valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid or any(c.isspace() for c in url):
            fields.error("url", N_("Enter an address starting with http:// or https://."))
    raw = fields.raw("events")
    events: list[str] = []
    if not isinstance(raw, list) or not raw:
        fields.error("events", N_("Choose at least one event."))
    else:
        for event in raw:
            if not isinstance(event, str) or event not in EVENTS:
                fields.error("events", N_("Unknown event: {event}."), event=str(event)[:64])
            elif event not in events:
                events.append(event)
    fields.check()
    return WebhookDraft(url=url, events=tuple(events))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


async def create_webhook(
    draft: WebhookDraft, *, created_by: int | None, now: datetime | None = None
) -> Webhook:
    """Store a new endpoint with a fresh signing secret (the caller shows it once)."""
    return await Webhook.create(
        url=draft.url,
        events=list(draft.events),
        secret=new_secret(),
        created_by_id=created_by,
        created_at=now or utcnow(),
    )


async def active_webhooks() -> list[Webhook]:
    return await Webhook.filter(deleted_at=None).order_by("id")


async def get_webhook(webhook_id: object) -> Webhook:
    """An endpoint that is not deleted, or NotFound (for any id, well-formed or not)."""
    try:
        key = int(str(webhook_id))
    except ValueError:
        raise NotFound() from None
    if not 0 < key < 2**31:
        raise NotFound()
    found = await Webhook.get_or_none(id=key, deleted_at=None)
    if found is None:
        raise NotFound()
    return found


async def delete_webhook(webhook_id: object, *, now: datetime | None = None) -> None:
    """Soft-delete an endpoint: it gets nothing more, and its pending deliveries stop."""
    webhook = await get_webhook(webhook_id)
    now = now or utcnow()
    async with in_transaction():
        await Webhook.filter(id=webhook.id, deleted_at=None).update(deleted_at=now)
        await WebhookDelivery.filter(webhook_id=webhook.id, status="pending").update(
            status="failed", last_error="endpoint deleted"
        )


async def delivery_log(webhook: Webhook, limit: int = 200) -> list[WebhookDelivery]:
    return await WebhookDelivery.filter(webhook_id=webhook.id).order_by("-created_at").limit(limit)


async def retry_delivery(
    webhook: Webhook, delivery_id: object, *, now: datetime | None = None
) -> WebhookDelivery:
    """Queue a failed delivery again, due now, with a fresh round of attempts."""
    try:
        key = uuid.UUID(str(delivery_id))
    except ValueError:
        raise NotFound() from None
    delivery = await WebhookDelivery.get_or_none(id=key, webhook_id=webhook.id)
    if delivery is None:
        raise NotFound()
    changed = await WebhookDelivery.filter(id=key, status="failed").update(
        status="pending", attempts=0, next_attempt_at=now or utcnow(), claimed_at=None
    )
    if not changed:
        raise DomainError(
            NotifyError.DELIVERY_NOT_FAILED, N_("Only a failed delivery can be sent again.")
        )
    await delivery.refresh_from_db()
    return delivery


def delivery_body(event: str, delivery_id: uuid.UUID, data: dict[str, Any], now: datetime) -> str:
    payload = {"event": event, "id": str(delivery_id), "created_at": now.isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def queue_event(event: str, key: str, data: dict[str, Any], *, now: datetime) -> int:
    """Queue `event` for every endpoint subscribed to it; the number of deliveries queued.

    `key` names the occurrence (e.g. "cohort.closed:<cohort id>"): queuing the same key again
    queues nothing (a unique constraint per endpoint), so a retried closure sends once."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    queued = 0
    for webhook in await active_webhooks():
        if event not in webhook.events:
            continue
        if await WebhookDelivery.exists(webhook_id=webhook.id, event_key=key):
            continue
        delivery_id = uuid.uuid4()
        try:
            # A savepoint inside the caller's transaction: on PostgreSQL a failed INSERT would
            # otherwise abort the whole closure transaction around it.
            async with in_transaction():
                await WebhookDelivery.create(
                    id=delivery_id,
                    webhook_id=webhook.id,
                    event=event,
                    event_key=key,
                    body=delivery_body(event, delivery_id, data, now),
                    next_attempt_at=now,
                    created_at=now,
                )
        except IntegrityError:
            continue  # queued meanwhile by another worker
        queued += 1
    return queued


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Flashcoop-Signature header: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


async def deliver_webhooks(
    settings: Settings,
    now: datetime | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    http_timeout: httpx.Timeout = TIMEOUT,
) -> int:
    """Send the due webhook deliveries, each by one worker at a time; how many were delivered."""
    now = now or utcnow()
    # A claim this old belongs to a worker that died mid-send: deliver again (at least once).
    await WebhookDelivery.filter(status="sending", claimed_at__lt=now - STALE_CLAIM).update(
        status="pending"
    )
    due = (
        await WebhookDelivery.filter(
            status="pending", next_attempt_at__lte=now, webhook__deleted_at=None
        )
        .order_by("next_attempt_at", "created_at")
        .limit(BATCH)
    )
    delivered = 0
    async with httpx.AsyncClient(
        timeout=http_timeout, transport=transport, follow_redirects=False
    ) as client:
        for delivery in due:
            claimed = await WebhookDelivery.filter(id=delivery.id, status="pending").update(
                status="sending", claimed_at=now
            )
            if not claimed:
                continue  # another worker has it
            webhook = await Webhook.get(id=delivery.webhook_id)
            if webhook.deleted_at is not None:
                await WebhookDelivery.filter(id=delivery.id).update(
                    status="failed", last_error="endpoint deleted"
                )
                continue
            delivered += await _send(client, webhook, delivery, now)
    return delivered


async def _send(
    client: httpx.AsyncClient, webhook: Webhook, delivery: WebhookDelivery, now: datetime
) -> int:
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "flashcoop-webhooks",
        "Flashcoop-Event": delivery.event,
        "Flashcoop-Delivery": str(delivery.id),
        "Flashcoop-Signature": signature(webhook.secret, int(now.timestamp()), body),
    }
    attempts = delivery.attempts + 1
    code: int | None = None
    try:
        response = await client.post(webhook.url, content=body, headers=headers)
        code = response.status_code
        error = "" if response.is_success else f"HTTP {code}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:  # refused, DNS, TLS, protocol: the outside world failed
        error = f"{type(exc).__name__}: {exc}"[:300]
    if not error:
        await WebhookDelivery.filter(id=delivery.id).update(
            status="delivered",
            attempts=attempts,
            last_status_code=code,
            last_error="",
            delivered_at=now,
        )
        return 1
    final = attempts >= MAX_ATTEMPTS
    log.warning("webhook delivery %s to endpoint %s failed: %s", delivery.id, webhook.id, error)
    await WebhookDelivery.filter(id=delivery.id).update(
        status="failed" if final else "pending",
        attempts=attempts,
        last_status_code=code,
        last_error=error,
        next_attempt_at=now + backoff(attempts),
    )
    return 0
