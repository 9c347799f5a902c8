"""Webhook deliveries against a real HTTP receiver on 127.0.0.1: signed, retried with backoff,
sent once by racing workers, never to a deleted endpoint; queued once per occurrence."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.transactions import in_transaction

from flashcoop.core.errors import DomainError
from flashcoop.core.jobs import run_jobs
from flashcoop.domains import house
from flashcoop.notify import webhooks
from flashcoop.notify.errors import NotifyError
from flashcoop.notify.models import Webhook, WebhookDelivery
from flashcoop.notify.webhooks import (
    MAX_ATTEMPTS,
    create_webhook,
    delete_webhook,
    deliver_webhooks,
    queue_event,
    read_webhook,
    retry_delivery,
)

NOW = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
DATA = {"cohort_id": "c0ffee00-0000-4000-8000-000000000001", "name": "Épicerie"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP endpoint: records each request and answers the next planned status."""

    statuses: list[int] = field(default_factory=list)  # consumed in order; then `default`
    default: int = 200
    delay: float = 0.0  # seconds to wait before answering (to provoke a client timeout)
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else self.default


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state.requests.append(Received(self.path, dict(self.headers.items()), body))
                status = state.answer()
            if state.delay:
                time.sleep(state.delay)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/flashcoop"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


async def endpoint(url: str) -> Webhook:
    return await create_webhook(
        read_webhook({"url": url, "events": ["cohort.closed"]}), created_by=None
    )


def verify(secret: str, header: str, body: bytes) -> int:
    """What a receiver does (docs/webhooks.md): check v1 over "<t>.<body>"; return t."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(expected.hexdigest(), parts["v1"]), "signature does not verify"
    return int(parts["t"])


async def test_delivery_arrives_signed_with_its_headers(app, settings, receiver):
    hook = await endpoint(receiver.url)
    assert await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW) == 1
    delivery = await WebhookDelivery.get(webhook_id=hook.id)

    assert await deliver_webhooks(settings, NOW + timedelta(seconds=5)) == 1

    [got] = receiver.requests
    assert got.path == "/hooks/flashcoop"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Flashcoop-Event"] == "cohort.closed"
    assert got.headers["Flashcoop-Delivery"] == str(delivery.id)
    assert got.body == delivery.body.encode()
    assert verify(hook.secret, got.headers["Flashcoop-Signature"], got.body) == int(
        (NOW + timedelta(seconds=5)).timestamp()
    )
    payload = json.loads(got.body)
    assert payload == {
        "event": "cohort.closed",
        "id": str(delivery.id),
        "created_at": NOW.isoformat(),
        "data": DATA,
    }
    # A forged body does not verify with the same signature.
    with pytest.raises(AssertionError):
        verify(
            hook.secret, got.headers["Flashcoop-Signature"], got.body.replace(b"closed", b"opened")
        )
    await delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.delivered_at == NOW + timedelta(seconds=5)
    # Delivered once: later sweeps send nothing.
    assert await deliver_webhooks(settings, NOW + timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


async def test_failing_receiver_is_retried_with_growing_backoff_then_failed(
    app, settings, receiver
):
    receiver.default = 500
    hook = await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    delivery = await WebhookDelivery.get(webhook_id=hook.id)
    moment = NOW
    delays: list[timedelta] = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # Not sent before it is due.
        if attempt > 1:
            assert await deliver_webhooks(settings, moment - timedelta(seconds=1)) == 0
            assert len(receiver.requests) == attempt - 1
        assert await deliver_webhooks(settings, moment) == 0
        await delivery.refresh_from_db()
        assert delivery.attempts == attempt and delivery.last_status_code == 500
        assert delivery.last_error == "HTTP 500"
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == "pending"
            delays.append(delivery.next_attempt_at - moment)
            moment = delivery.next_attempt_at
    assert delivery.status == "failed"
    assert delays[0] == timedelta(minutes=1)
    assert all(later == 2 * earlier for earlier, later in itertools.pairwise(delays))
    assert len(receiver.requests) == MAX_ATTEMPTS
    # The same delivery id and the very same body on every retry; each signature verifies.
    assert {r.headers["Flashcoop-Delivery"] for r in receiver.requests} == {str(delivery.id)}
    assert {r.body for r in receiver.requests} == {delivery.body.encode()}
    for r in receiver.requests:
        verify(hook.secret, r.headers["Flashcoop-Signature"], r.body)
    # Given up: nothing more is sent.
    assert await deliver_webhooks(settings, moment + timedelta(days=2)) == 0
    assert len(receiver.requests) == MAX_ATTEMPTS


async def test_a_retry_that_succeeds_is_delivered(app, settings, receiver):
    receiver.statuses = [503]
    await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    assert await deliver_webhooks(settings, NOW) == 0
    assert await deliver_webhooks(settings, NOW + timedelta(minutes=1)) == 1
    delivery = await WebhookDelivery.get()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert delivery.last_status_code == 200 and delivery.last_error == ""
    first, second = receiver.requests
    assert first.headers["Flashcoop-Delivery"] == second.headers["Flashcoop-Delivery"]
    assert first.body == second.body


async def test_timeout_and_refused_connection_are_retried(app, settings, receiver):
    receiver.delay = 1.0
    slow = await endpoint(receiver.url)
    refused = await endpoint(closed_port_url())
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    short = httpx.Timeout(0.3, connect=0.3)
    assert await deliver_webhooks(settings, NOW, http_timeout=short) == 0
    timed_out = await WebhookDelivery.get(webhook_id=slow.id)
    assert timed_out.status == "pending" and timed_out.attempts == 1
    assert timed_out.last_error == "timeout" and timed_out.last_status_code is None
    assert timed_out.next_attempt_at == NOW + timedelta(minutes=1)
    no_one = await WebhookDelivery.get(webhook_id=refused.id)
    assert no_one.status == "pending" and no_one.attempts == 1
    assert no_one.last_error.startswith("ConnectError") and no_one.last_status_code is None
    # The slow receiver got the call (and answered too late); it comes again, then succeeds.
    receiver.delay = 0
    assert await deliver_webhooks(settings, NOW + timedelta(minutes=1), http_timeout=short) == 1
    assert len(receiver.requests) == 2
    await no_one.refresh_from_db()
    assert no_one.attempts == 2 and no_one.next_attempt_at == NOW + timedelta(minutes=3)


async def test_redirects_are_not_followed(app, settings, receiver):
    receiver.default = 302
    await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    assert await deliver_webhooks(settings, NOW) == 0
    assert len(receiver.requests) == 1
    delivery = await WebhookDelivery.get()
    assert delivery.status == "pending" and delivery.last_status_code == 302


async def test_same_key_twice_queues_one_delivery_per_endpoint(app, settings, receiver):
    first = await endpoint(receiver.url)
    second = await endpoint(receiver.url + "?second")
    assert await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW) == 2
    again = {"cohort_id": DATA["cohort_id"], "name": "changed"}
    assert await queue_event("cohort.closed", "cohort.closed:1", again, now=NOW) == 0
    assert await WebhookDelivery.filter(webhook_id=first.id).count() == 1
    assert await WebhookDelivery.filter(webhook_id=second.id).count() == 1
    # The stored body is the first one, untouched.
    assert all(json.loads(d.body)["data"] == DATA for d in await WebhookDelivery.all())
    # Another occurrence is another delivery.
    assert await queue_event("cohort.closed", "cohort.closed:2", DATA, now=NOW) == 2
    assert await deliver_webhooks(settings, NOW) == 4
    assert len(receiver.requests) == 4


async def test_a_lost_race_on_the_key_keeps_the_callers_transaction_usable(
    app, settings, receiver, monkeypatch
):
    # Another worker queued the same occurrence between our check and our insert: the unique
    # constraint refuses the row, and the surrounding transaction (the closure's) goes on.
    hook = await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)

    async def not_seen(*args: Any, **kwargs: Any) -> bool:
        return False

    monkeypatch.setattr(WebhookDelivery, "exists", not_seen)
    async with in_transaction():
        assert await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW) == 0
        await Webhook.filter(id=hook.id).update(url=receiver.url + "?after")
    assert (await Webhook.get(id=hook.id)).url.endswith("?after")
    assert await WebhookDelivery.all().count() == 1


async def test_queue_event_refuses_an_unknown_event(app):
    with pytest.raises(ValueError):
        await queue_event("cohort.opened", "x", {}, now=NOW)


async def test_two_workers_racing_send_each_delivery_once(app, settings, receiver):
    for n in range(3):
        await endpoint(f"{receiver.url}?n={n}")
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    results = await asyncio.gather(deliver_webhooks(settings, NOW), deliver_webhooks(settings, NOW))
    assert sum(results) == 3
    ids = [r.headers["Flashcoop-Delivery"] for r in receiver.requests]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert await WebhookDelivery.filter(status="delivered").count() == 3


async def test_a_claim_left_by_a_dead_worker_is_taken_over(app, settings, receiver):
    await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    await WebhookDelivery.all().update(status="sending", claimed_at=NOW)
    # Maybe still sending: left alone.
    assert await deliver_webhooks(settings, NOW + timedelta(minutes=2)) == 0
    assert receiver.requests == []
    # Long dead: sent (once).
    assert await deliver_webhooks(settings, NOW + timedelta(minutes=11)) == 1
    assert await deliver_webhooks(settings, NOW + timedelta(minutes=30)) == 0
    assert len(receiver.requests) == 1


async def test_a_deleted_endpoint_gets_nothing(app, settings, receiver):
    kept = await endpoint(receiver.url + "?kept")
    gone = await endpoint(receiver.url + "?gone")
    await delete_webhook(gone.id, now=NOW)
    assert await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW) == 1
    assert await WebhookDelivery.filter(webhook_id=gone.id).count() == 0
    # Deleted after queuing: its pending delivery stops.
    await delete_webhook(kept.id, now=NOW)
    assert await deliver_webhooks(settings, NOW) == 0
    assert receiver.requests == []
    delivery = await WebhookDelivery.get(webhook_id=kept.id)
    assert delivery.status == "failed" and delivery.last_error == "endpoint deleted"


async def test_deleted_between_queue_and_claim_is_not_sent(app, settings, receiver, monkeypatch):
    hook = await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    real_get = Webhook.get

    async def deleted_meanwhile(*args: Any, **kwargs: Any) -> Webhook:
        await Webhook.filter(id=hook.id).update(deleted_at=NOW)
        return await real_get(*args, **kwargs)

    monkeypatch.setattr(Webhook, "get", deleted_meanwhile)
    assert await deliver_webhooks(settings, NOW) == 0
    assert receiver.requests == []
    assert (await WebhookDelivery.get()).status == "failed"


async def test_retry_requeues_only_a_failed_delivery(app, settings, receiver):
    receiver.default = 500
    hook = await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    delivery = await WebhookDelivery.get()
    with pytest.raises(DomainError) as refused:
        await retry_delivery(hook, delivery.id, now=NOW)
    assert refused.value.code == NotifyError.DELIVERY_NOT_FAILED
    await WebhookDelivery.all().update(status="failed", attempts=MAX_ATTEMPTS)
    later = NOW + timedelta(days=1)
    again = await retry_delivery(hook, delivery.id, now=later)
    assert again.status == "pending" and again.attempts == 0 and again.next_attempt_at == later
    receiver.default = 204
    assert await deliver_webhooks(settings, later) == 1
    assert receiver.requests[-1].headers["Flashcoop-Delivery"] == str(delivery.id)


async def test_the_job_is_registered_and_runs(app, settings, receiver):
    job = next(j for j in house().jobs if j.name == "webhooks")
    assert job.run is deliver_webhooks and job.every_seconds == 15
    await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    assert await run_jobs(house().jobs, settings, only=["webhooks"], now=NOW) == [("webhooks", 1)]
    assert len(receiver.requests) == 1


def test_known_events_are_one_list():
    assert list(webhooks.EVENTS) == ["cohort.closed"]


async def test_the_documented_verification_snippet_accepts_a_real_delivery(app, settings, receiver):
    source = (Path(__file__).resolve().parent.parent / "docs" / "webhooks.md").read_text()
    snippet = source.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "docs/webhooks.md", "exec"), namespace)
    documented_verify = namespace["verify"]
    hook = await endpoint(receiver.url)
    await queue_event("cohort.closed", "cohort.closed:1", DATA, now=NOW)
    await deliver_webhooks(settings)  # the real clock: the timestamp is fresh
    [got] = receiver.requests
    header = got.headers["Flashcoop-Signature"]
    assert documented_verify(hook.secret, header, got.body)
    assert not documented_verify(hook.secret, header, got.body + b" ")
    assert not documented_verify("whsec_other", header, got.body)
    assert not documented_verify(hook.secret, "garbage", got.body)
    stale = header.replace(header.split(",")[0], "t=1000")
    assert not documented_verify(hook.secret, stale, got.body)
