"""Several real processes close the cohorts coming due against one PostgreSQL: each cohort is
closed exactly once, with one report, one certificate per member and one webhook delivery
per endpoint, received by a real local HTTP server."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flashcoop.certificates.models import Certificate
from flashcoop.closure.models import Closure, Report, Share
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.devserver import free_port, running, uvicorn_command
from flashcoop.notify.models import Notification, WebhookDelivery
from flashcoop.notify.webhooks import WebhookDraft, create_webhook
from tests.closure_helpers import attend, make_books, sell, spend
from tests.conftest import TEST_DATABASE, race
from tests.factories import make_user

pytestmark = pytest.mark.skipif(
    TEST_DATABASE == "sqlite",
    reason="several processes writing at once is what PostgreSQL serves; SQLite runs one worker",
)
ROOT = Path(__file__).resolve().parent.parent
COHORTS = 6
SERVER_WORKERS = 3
SWEEPERS = 3
SWEEP = """
import asyncio, sys, time
from flashcoop.closure.sweep import close_due
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.domains import house

async def main(url, seconds):
    house()
    await db.init_db(url)
    settings = Settings(database_url=url, secret_key="k" * 40, scheduler=False)
    closed, deadline = 0, time.monotonic() + float(seconds)
    try:
        while time.monotonic() < deadline:
            closed += await close_due(settings)
            await asyncio.sleep(0.2)
    finally:
        await db.close_db()
    print(closed)

asyncio.run(main(*sys.argv[1:]))
"""


class Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.lock:
            self.received.append(
                {
                    "path": self.path,
                    "delivery": self.headers.get("Flashcoop-Delivery"),
                    "event": self.headers.get("Flashcoop-Event"),
                    "body": json.loads(body),
                }
            )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Receiver.received
    finally:
        server.shutdown()
        server.server_close()


async def _until(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.5)


async def test_processes_close_each_cohort_exactly_once(app, settings, receiver):
    base, received = receiver
    endpoints = [
        await create_webhook(
            WebhookDraft(f"{base}/hook/{name}", ("cohort.closed",)), created_by=None
        )
        for name in ("region", "warehouse")
    ]
    facilitator = await make_user("facilitator")
    cohorts = []
    for index in range(COHORTS):
        books = await make_books(
            ("Aïcha", "Bruno", "Chloé"),
            facilitator=facilitator,
            surplus_rule=("equal", "hours", "sales")[index % 3],
        )
        await attend(books, 3, books.members[:2])
        await sell(books, books.members[0], 2500 + index)
        await sell(books, books.members[1], 1200)
        await spend(books, 700)
        cohorts.append(books)
    # Half ended while no server ran (missed closures); half come due once they run.
    now = utcnow()
    for index, books in enumerate(cohorts):
        ends = now - timedelta(minutes=5) if index % 2 else now + timedelta(seconds=4)
        await Cohort.filter(id=books.cohort.id).update(ends_at=ends)

    port = free_port()
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": settings.database_url,
        "FLASHCOOP_SECRET_KEY": settings.secret_key,
        "FLASHCOOP_DATA_DIR": str(settings.data_dir),
        "FLASHCOOP_SCHEDULER": "on",
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # uvicorn directly (not `flashcoop serve`): the test database is built without migrations.
    command = uvicorn_command("flashcoop.app:create_app", port, "--workers", str(SERVER_WORKERS))
    ids = [b.cohort.id for b in cohorts]
    with running(command, url=f"http://127.0.0.1:{port}/healthz", env=env, cwd=ROOT):
        # Racing the servers' schedulers: three `close-due` loops in their own processes.
        await race(SWEEP, settings.database_url, "10", processes=SWEEPERS)

        async def all_closed() -> bool:
            return await Cohort.filter(id__in=ids, status="closed").count() == COHORTS

        await _until(all_closed, 60)

        async def all_delivered() -> bool:
            pending = await WebhookDelivery.exclude(status="delivered").count()
            return pending == 0 and len(received) >= COHORTS * len(endpoints)

        await _until(all_delivered, 60)
        await asyncio.sleep(2)  # any duplicate would arrive now

    assert await Closure.filter(cohort_id__in=ids).count() == COHORTS
    for books in cohorts:
        cohort_id = books.cohort.id
        closure = await Closure.get(cohort_id=cohort_id)
        assert closure.step == "done" and closure.error == ""
        shares = await Share.filter(cohort_id=cohort_id)
        assert len(shares) == 3 and sum(s.amount_cents for s in shares) == closure.surplus_cents
        assert await Certificate.filter(cohort_id=cohort_id).count() == 3
        reports = await Report.filter(cohort_id=cohort_id, kind="closure").values_list(
            "audience", "format"
        )
        assert reports and len(reports) == len(set(reports))
        assert {fmt for _, fmt in reports} == {"pdf", "csv", "json"}
        assert await Notification.filter(participant__cohort_id=cohort_id).count() == 3

    assert await WebhookDelivery.all().count() == COHORTS * len(endpoints)
    assert len(received) == COHORTS * len(endpoints)
    assert len({r["delivery"] for r in received}) == len(received)
    seen = sorted((r["path"], r["body"]["data"]["cohort_id"]) for r in received)
    expected = sorted(
        (f"/hook/{name}", str(cohort_id)) for name in ("region", "warehouse") for cohort_id in ids
    )
    assert seen == expected
    assert {r["event"] for r in received} == {"cohort.closed"}
