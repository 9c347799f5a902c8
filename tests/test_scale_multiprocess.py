"""Several app processes sharing nothing but the database, driven at once as a network would:
phones of several cohorts selling through every process (some sales replayed to another
process), members checking in to workshops twice over, and cohorts whose end passed being
closed by every process and by racing sweeps, all at the same time.

Nothing is lost or doubled, every chain holds, each closure happens exactly once."""

from __future__ import annotations

import asyncio
import os
import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from flashcoop.certificates.models import Certificate
from flashcoop.closure.models import Closure, Report
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.devserver import free_port, running, uvicorn_command
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.models import LedgerEntry
from flashcoop.notify.models import Notification, WebhookDelivery
from flashcoop.notify.webhooks import WebhookDraft, create_webhook, deliver_webhooks
from flashcoop.workshops import attendance as att
from flashcoop.workshops.models import Attendance, AttendanceLog
from tests.closure_helpers import attend, make_books, sell, spend
from tests.conftest import ROOT, race
from tests.factories import bearer, make_cohort, make_participant, make_user
from tests.ledger_helpers import entries_url, sale
from tests.test_closure_multiprocess import receiver  # noqa: F401  (a fixture)
from tests.workshop_helpers import make_workshop

PROCESSES = 3
SALE_COHORTS, PHONES, SALES_PER_PHONE = 3, 6, 8
ROTATION = 60
# Cohorts left to the sweeps (racing `close_due` processes, and the servers' schedulers), and
# cohorts also closed by hand through every process at once.
SWEPT, CLOSED_BY_HAND = 1, 2
# The sweep as `flashcoop close-due` runs it, with the servers' settings, but on a database
# built without migrations (which the command would apply first).
SWEEP = """
import asyncio
from flashcoop.closure.sweep import close_due
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.domains import house

async def main():
    house()
    settings = Settings.from_env()
    await db.init_db(settings.database_url)
    try:
        print(await close_due(settings))
    finally:
        await db.close_db()

asyncio.run(main())
"""


@pytest.fixture
def servers(settings, monkeypatch) -> Any:
    """Start PROCESSES separate servers on their own ports, sharing only the database; the
    sweep processes get the same environment."""
    env = {
        "FLASHCOOP_DATABASE_URL": settings.database_url,
        "FLASHCOOP_SECRET_KEY": settings.secret_key,
        "FLASHCOOP_DATA_DIR": str(settings.data_dir),
        "FLASHCOOP_BASE_URL": settings.base_url,
        "FLASHCOOP_SCHEDULER": "on",
        # One rendering process per app process: six app processes share two cores here.
        "FLASHCOOP_PDF_WORKERS": "1",
        # Codes that last a minute: on a loaded machine a scan may wait longer than 15 s.
        "FLASHCOOP_CHECKIN_ROTATION_SECONDS": str(ROTATION),
        "FLASHCOOP_LOG_LEVEL": "WARNING",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def start() -> tuple[ExitStack, list[str]]:
        ports = [free_port() for _ in range(PROCESSES)]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        full_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        stack = ExitStack()
        logs = [
            stack.enter_context((settings.data_dir / f"server-{i}.log").open("wb"))
            for i in range(PROCESSES)
        ]
        # uvicorn directly (not `flashcoop serve`): the test database has no migrations.
        launchers = [
            running(
                uvicorn_command("flashcoop.app:create_app", port),
                url=base + "/healthz",
                env=full_env,
                cwd=ROOT,
                output=log,
            )
            for port, base, log in zip(ports, bases, logs, strict=True)
        ]
        # Started side by side (each waits for its own first answer), stopped by the stack.
        with ThreadPoolExecutor(PROCESSES) as pool:
            started = [pool.submit(server.__enter__) for server in launchers]
        for server, future in zip(launchers, started, strict=True):
            if future.exception() is None:
                stack.push(server)
        if any(future.exception() for future in started):
            stack.close()
            raise RuntimeError("a server did not start") from next(
                future.exception() for future in started if future.exception()
            )
        return stack, bases

    return start


async def _sale_cohorts(facilitator: Any) -> list[tuple[Cohort, Any, list[Any]]]:
    """Cohorts with phones signed in (bearer headers) and a workshop going on now."""
    now = utcnow()
    built = []
    for index in range(SALE_COHORTS):
        cohort = await make_cohort(facilitator=facilitator, starts_at=now - timedelta(days=1))
        workshop = await make_workshop(cohort, starts_at=now - timedelta(minutes=5))
        phones = [
            (member, await bearer(member))
            for member in [
                await make_participant(cohort, f"Membre {index}-{i}") for i in range(PHONES)
            ]
        ]
        built.append((cohort, workshop, phones))
    return built


async def _closing_cohorts(facilitator: Any) -> list[Any]:
    books = []
    for index in range(SWEPT + CLOSED_BY_HAND):
        one = await make_books(facilitator=facilitator, surplus_rule=("equal", "hours")[index % 2])
        await attend(one, 3, one.members[:2])
        await sell(one, one.members[0], 4000 + index)
        await spend(one, 900)
        books.append(one)
    return books


async def test_processes_share_one_database_without_loss_or_double(
    app,
    settings,
    servers,
    receiver,  # noqa: F811  (the fixture imported above)
):
    hook_base, received = receiver
    await create_webhook(WebhookDraft(f"{hook_base}/hook", ("cohort.closed",)), created_by=None)
    facilitator = await make_user("facilitator")
    staff = await bearer(facilitator)
    selling = await _sale_cohorts(facilitator)
    closing = await _closing_cohorts(facilitator)
    stack, bases = servers()
    with stack:
        # The end of the closing cohorts passes now, while the servers run.
        ids = [b.cohort.id for b in closing]
        await Cohort.filter(id__in=ids).update(ends_at=utcnow() - timedelta(seconds=1))
        rng = random.Random(13)
        sales: list[tuple[int, Cohort, dict[str, str], dict[str, Any]]] = []
        for cohort, _workshop, phones in selling:
            for _member, headers in phones:
                for _ in range(SALES_PER_PHONE):
                    body = sale(amount=f"{rng.randint(1, 9999) / 100:.2f}")
                    sales.append((rng.randrange(PROCESSES), cohort, headers, body))
        # A phone that lost its answer sends the same sale again, through another process.
        replayed = [((p + 1) % PROCESSES, c, h, b) for p, c, h, b in rng.sample(sales, 50)]
        jobs = sales + replayed
        rng.shuffle(jobs)

        limits = httpx.Limits(max_connections=30)
        servers_settings = replace(settings, checkin_rotation_seconds=ROTATION)
        # Check-ins and closures on their own connections, not queued behind the sales.
        async with (
            httpx.AsyncClient(limits=limits, timeout=120) as http,
            httpx.AsyncClient(timeout=120) as side,
        ):

            async def post_sale(process: int, cohort: Cohort, headers: Any, body: Any) -> Any:
                url = bases[process] + entries_url(cohort)
                return body["id"], await http.post(url, json=body, headers=headers)

            async def check_in(process: int, workshop: Any, headers: Any) -> httpx.Response:
                # The code on the facilitator's screen at the moment of the scan.
                code, _ = att.current_code(servers_settings, workshop)
                url = f"{bases[process]}/api/v1/workshops/{workshop.id}/checkin"
                return await side.post(url, json={"code": code}, headers=headers)

            async def close(process: int, cohort_id: Any) -> httpx.Response:
                url = f"{bases[process]}/api/v1/cohorts/{cohort_id}/close"
                return await side.post(url, headers=staff)

            checkins = [
                check_in((i + twice) % PROCESSES, workshop, headers)
                for _cohort, workshop, phones in selling
                for i, (_member, headers) in enumerate(phones)
                for twice in (0, 1)  # the member taps twice, the second lands elsewhere
            ]
            closes = [
                close(process, cohort_id)
                for cohort_id in ids[SWEPT:]
                for process in range(PROCESSES)
            ]
            sale_answers, checkin_answers, close_answers, swept = await asyncio.gather(
                asyncio.gather(*[post_sale(*job) for job in jobs]),
                asyncio.gather(*checkins),
                asyncio.gather(*closes),
                race(SWEEP, processes=PROCESSES),
            )
            # The offline queue flushed again later, through every process: all replays.
            flush = [
                post_sale(process, cohort, headers, body)
                for _, cohort, headers, body in rng.sample(sales, 30)
                for process in range(PROCESSES)
            ]
            late_answers = await asyncio.gather(*flush)
        # A server's own sweep may have claimed a cohort, with nobody waiting on it: wait.
        await _until_closed(ids)
        await _deliver(settings, received, len(ids))

    # Sales: each acknowledged id stored once, answered alike wherever it went.
    answers: dict[str, list[httpx.Response]] = defaultdict(list)
    for entry_id, response in [*sale_answers, *late_answers]:
        answers[entry_id].append(response)
    statuses = [r.status_code for rs in answers.values() for r in rs]
    bad = [r.text for rs in answers.values() for r in rs if r.status_code not in (200, 201)]
    assert bad == []
    assert statuses.count(201) == len(sales) == len(answers)
    stored = {
        str(e.id): e
        for e in await LedgerEntry.filter(id__in=list(answers)).only("id", "seq", "hash")
    }
    assert len(stored) == len(sales)
    for entry_id, responses in answers.items():
        assert [r.status_code for r in responses].count(201) == 1
        for response in responses:
            body = response.json()
            assert (body["seq"], body["hash"]) == (stored[entry_id].seq, stored[entry_id].hash)
    for cohort, _workshop, _phones in selling:
        seqs = (
            await LedgerEntry.filter(cohort_id=cohort.id)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs == list(range(1, PHONES * SALES_PER_PHONE + 1))
        assert (await verify_chain(cohort.id)).ok

    # Check-ins: two taps per member, through two processes, recorded once.
    assert [r.status_code for r in checkin_answers] == [200] * len(checkins), [
        r.text for r in checkin_answers if r.status_code != 200
    ][:3]
    for _cohort, workshop, phones in selling:
        rows = await Attendance.filter(workshop_id=workshop.id)
        assert sorted(str(r.participant_id) for r in rows) == sorted(str(m.id) for m, _ in phones)
        assert {r.status for r in rows} == {"present"}
        assert await AttendanceLog.filter(workshop_id=workshop.id).count() == PHONES

    # Closures: each once, whoever won the race, with everything it issues issued once.
    assert [r.status_code for r in close_answers] == [200] * len(closes)
    # The process that won answers once it closed; the others at once, "closing" meanwhile.
    assert {r.json()["status"] for r in close_answers} <= {"closing", "closed"}
    assert sum(swept) <= len(ids)
    assert await Closure.filter(cohort_id__in=ids).count() == len(ids)
    for books in closing:
        cohort_id = books.cohort.id
        closure = await Closure.get(cohort_id=cohort_id)
        assert (closure.step, closure.error, closure.ledger_entries) == ("done", "", 2)
        if cohort_id in ids[:SWEPT]:  # nobody closed it by hand: a sweep did
            assert closure.trigger == "schedule"
        assert (await Cohort.get(id=cohort_id)).status == "closed"
        assert (await verify_chain(cohort_id)).ok
        certificates = await Certificate.filter(cohort_id=cohort_id)
        assert sorted(str(c.participant_id) for c in certificates) == sorted(
            str(m.id) for m in books.members
        )
        reports = await Report.filter(cohort_id=cohort_id, kind="closure").values_list(
            "audience", "format"
        )
        assert reports and len(reports) == len(set(reports))
        told = Notification.filter(participant__cohort_id=cohort_id, kind="cohort_closed")
        assert await told.count() == len(books.members)
    assert await WebhookDelivery.filter(event="cohort.closed").count() == len(ids)
    assert sorted(r["body"]["data"]["cohort_id"] for r in received) == sorted(map(str, ids))
    assert len({r["delivery"] for r in received}) == len(ids)


async def _until_closed(ids: list[Any], timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while await Closure.filter(cohort_id__in=ids, step="done").count() < len(ids):
        closures = await Closure.all().values_list("step", "error", "worker")
        assert asyncio.get_running_loop().time() < deadline, closures
        await asyncio.sleep(0.5)


async def _deliver(settings: Any, received: list[Any], expected: int) -> None:
    """Deliver the webhooks now (the servers' own 15-second job races this one), then give a
    duplicate the time to arrive."""
    for _ in range(40):
        await deliver_webhooks(settings)
        if await WebhookDelivery.exclude(status="delivered").count() == 0:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1)
    deliveries = await WebhookDelivery.all().values_list(
        "status", "attempts", "last_status_code", "last_error"
    )
    closures = await Closure.all().values_list("step", "error", "worker")
    assert len(received) >= expected, (deliveries, closures)
