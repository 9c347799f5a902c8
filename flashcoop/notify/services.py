"""Notifications: in the app, and through an outbox delivered by a sweep (e-mail, SMS webhook).

Messages are stored first and delivered later, so a slow or broken channel never blocks a
page and nothing is lost on restart. Each outbox row is claimed with a conditional UPDATE
before it is sent, so several workers never send it twice; failures are retried with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import anyio
import httpx

from flashcoop.core import i18n
from flashcoop.core.clock import utcnow
from flashcoop.core.settings import Settings
from flashcoop.notify.models import Notification, OutboxMessage

log = logging.getLogger("flashcoop.notify")
MAX_ATTEMPTS = 8
BATCH = 100
TIMEOUT = httpx.Timeout(10, connect=3)
# A message claimed longer ago than this belongs to a worker that died while sending: it is
# retried (delivery is at least once; receivers drop duplicates by X-Flashcoop-Delivery).
STALE_CLAIM = timedelta(minutes=10)


def render_text(msgid: str, params: dict[str, Any]) -> str:
    """A stored message in the current language; an `at` param (ISO, with `tz`) becomes `when`."""
    values = dict(params)
    if "at" in values:
        moment = datetime.fromisoformat(str(values["at"]))
        zone = ZoneInfo(str(values.get("tz") or "UTC"))
        values["when"] = i18n.local_datetime(moment, zone, "EEEE d MMMM, HH:mm")
    return i18n.gettext(msgid).format(**values)


def webhook_secret(settings: Settings) -> bytes:
    if settings.webhook_secret:
        return settings.webhook_secret.encode()
    return hmac.new(settings.secret_key.encode(), b"flashcoop-webhooks", hashlib.sha256).digest()


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header value: HMAC-SHA256 over "<timestamp>.<body>", hex."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


async def notify_members(
    members: Iterable[Any],
    *,
    kind: str,
    msgid: str,
    params: dict[str, Any],
    link: str,
    settings: Settings | None,
    now: datetime | None = None,
) -> int:
    """Store an in-app notification for each member and queue the e-mails and SMS to send."""
    now = now or utcnow()
    members = list(members)
    if not members:
        return 0
    await Notification.bulk_create(
        [
            Notification(
                participant_id=m.id,
                kind=kind,
                msgid=msgid,
                params=params,
                link=link,
                created_at=now,
            )
            for m in members
        ]
    )
    if settings is None:
        return len(members)
    previous = i18n.current_language()
    i18n.set_language(settings.default_language)
    try:
        text = render_text(msgid, params)
    finally:
        i18n.set_language(previous)
    url = settings.base_url.rstrip("/") + link if link else ""
    messages: list[OutboxMessage] = []
    for member in members:
        if settings.smtp_url and member.email:
            messages.append(
                OutboxMessage(
                    channel="email",
                    recipient=member.email,
                    subject=text[:200],
                    body=f"{text}\n\n{url}\n",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        if settings.sms_webhook_url:
            payload = {
                "event": kind,
                "participant_id": str(member.id),
                "cohort_id": str(member.cohort_id),
                "display_name": member.display_name,
                "text": text,
                "url": url,
            }
            messages.append(
                OutboxMessage(
                    channel="sms",
                    recipient=str(member.id),
                    body=text,
                    payload=payload,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    if messages:
        await OutboxMessage.bulk_create(messages)
    return len(members)


async def recent_notifications(participant_id: object, limit: int = 5) -> list[Notification]:
    return await Notification.filter(participant_id=participant_id).limit(limit)


async def send_email(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send one e-mail through FLASHCOOP_SMTP_URL (blocking smtplib, run in a thread)."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await anyio.to_thread.run_sync(_smtp_send, settings.smtp_url, message)


def _smtp_send(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=10, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(host, parts.port or 25, timeout=10)
    with server:
        if parts.scheme != "smtps":
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(message)


async def post_webhook(
    settings: Settings,
    url: str,
    payload: dict[str, Any],
    *,
    delivery: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    """POST a signed JSON payload; raise on a network error or a non-2xx answer."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Flashcoop-Timestamp": timestamp,
        "X-Flashcoop-Signature": sign(webhook_secret(settings), timestamp, body),
        "X-Flashcoop-Delivery": delivery,
    }
    async with httpx.AsyncClient(timeout=TIMEOUT, transport=transport) as client:
        response = await client.post(url, content=body, headers=headers)
        response.raise_for_status()


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, ... capped at 6 hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


async def deliver_outbox(
    settings: Settings,
    now: datetime | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Send the due outbox messages once each; return how many were sent."""
    now = now or utcnow()
    due = (
        await OutboxMessage.filter(status="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .limit(BATCH)
    )
    sent = 0
    for message in due:
        claimed = await OutboxMessage.filter(id=message.id, status="pending").update(
            status="sending", claimed_at=now
        )
        if not claimed:
            continue  # another worker has it
        try:
            await _deliver(settings, message, transport)
        except Exception as exc:  # any failure of the outside world: retry later
            attempts = message.attempts + 1
            final = attempts >= MAX_ATTEMPTS
            log.warning("outbox %s (%s) failed: %s", message.id, message.channel, exc)
            await OutboxMessage.filter(id=message.id).update(
                status="failed" if final else "pending",
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                last_error=str(exc)[:300],
            )
            continue
        await OutboxMessage.filter(id=message.id).update(
            status="sent", attempts=message.attempts + 1, sent_at=now, last_error=""
        )
        sent += 1
    return sent


async def _deliver(
    settings: Settings, message: OutboxMessage, transport: httpx.AsyncBaseTransport | None
) -> None:
    if message.channel == "email":
        if not settings.smtp_url:
            raise RuntimeError("FLASHCOOP_SMTP_URL is not set")
        await send_email(settings, message.recipient, message.subject, message.body)
    elif message.channel == "sms":
        if not settings.sms_webhook_url:
            raise RuntimeError("FLASHCOOP_SMS_WEBHOOK_URL is not set")
        await post_webhook(
            settings,
            settings.sms_webhook_url,
            message.payload,
            delivery=str(message.id),
            transport=transport,
        )
    else:
        raise RuntimeError(f"unknown channel {message.channel}")
