"""Benchmark of the sale POST: flashcoop against a bare Starlette endpoint, in the same run.

    python bench/sale_post.py [--requests 2000] [--concurrency 20]

Starts both apps with uvicorn in subprocesses (flashcoop on a temporary SQLite database, one
worker, scheduler off), posts sales with a participant's Bearer token through httpx, and
prints throughput and latency percentiles. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flashcoop.devserver import free_port, running, uvicorn_command  # noqa: E402


async def _bare_entry(request: Request) -> JSONResponse:
    # The floor: parse the same JSON body, answer 201 with a small JSON document.
    body = await request.json()
    return JSONResponse({"id": body.get("id"), "seq": 1}, status_code=201)


bare_app = Starlette(routes=[Route("/entries", _bare_entry, methods=["POST"])])


async def _prepare(database_url: str) -> tuple[str, str]:
    """Schema, a facilitator, a live cohort and a member's token: (cohort id, token)."""
    from tortoise import Tortoise

    from flashcoop.accounts.services import create_token, create_user
    from flashcoop.cohorts.joining import JoinRequest, join_cohort
    from flashcoop.cohorts.launch import CohortDraft, create_cohort
    from flashcoop.core import db
    from flashcoop.core.principal import Principal
    from flashcoop.domains import house

    house()
    await db.init_db(database_url)
    await Tortoise.generate_schemas()
    try:
        user = await create_user(
            email="bench@example.org",
            role="facilitator",
            password="bench-password-123",
            organisation="Bench",
        )
        now = datetime.now(UTC)
        assert user.organisation_id is not None
        draft = CohortDraft(
            name="Bench",
            activity="Bench",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=2),
            structure_id=user.organisation_id,
        )
        cohort = await create_cohort(draft, principal=Principal(user=user))
        member, _ = await join_cohort(
            JoinRequest(cohort.join_code, "Bench", "1234"),
            client="bench",
            max_failures=10,
        )
        return str(cohort.id), await create_token(participant=member)
    finally:
        await db.close_db()


async def _load(
    url: str, headers: dict[str, str], total: int, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            queue.get_nowait()
            body = {
                "id": str(uuid.uuid4()),
                "kind": "sale",
                "amount": "2.50",
                "label": "Jus d'orange",
                "payment_method": "cash",
            }
            start = time.perf_counter()
            response = await client.post(url, json=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 201:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*[worker(client) for _ in range(concurrency)])
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": total,
        "errors": errors,
        "seconds": elapsed,
        "rps": total / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="flashcoop-bench-"))
    database_url = f"sqlite://{tmp / 'bench.sqlite3'}"
    cohort_id, token = asyncio.run(_prepare(database_url))
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": database_url,
        "FLASHCOOP_DATA_DIR": str(tmp),
        "FLASHCOOP_SECRET_KEY": "bench-" + "k" * 40,
        "FLASHCOOP_SCHEDULER": "off",
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    app_port, bare_port = free_port(), free_port()
    app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    with contextlib.ExitStack() as stack:
        for target, port, url in [
            ("flashcoop.app:create_app", app_port, app_url + "/healthz"),
            ("bench.sale_post:bare_app", bare_port, bare_url + "/"),
        ]:
            stack.enter_context(running(uvicorn_command(target, port), url=url, env=env, cwd=ROOT))
        headers = {"Authorization": f"Bearer {token}"}
        runs = {
            "bare starlette": asyncio.run(
                _load(bare_url + "/entries", {}, args.requests, args.concurrency)
            ),
            "flashcoop sale": asyncio.run(
                _load(
                    f"{app_url}/api/v1/cohorts/{cohort_id}/entries",
                    headers,
                    args.requests,
                    args.concurrency,
                )
            ),
        }
    print(
        f"sale POST, {args.requests} requests, concurrency {args.concurrency}, "
        f"SQLite, 1 uvicorn worker, Python {sys.version.split()[0]}"
    )
    print(f"{'endpoint':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, run in runs.items():
        print(
            f"{name:<16}{run['rps']:>10.0f}{run['p50_ms']:>10.1f}{run['p99_ms']:>10.1f}"
            f"{run['errors']:>8.0f}"
        )
    print(f"entries stored: {asyncio.run(_count(database_url))}")


async def _count(database_url: str) -> int:
    from flashcoop.core import db
    from flashcoop.domains import house
    from flashcoop.ledger.chain import verify_chain
    from flashcoop.ledger.models import LedgerEntry

    house()
    await db.init_db(database_url)
    try:
        count = await LedgerEntry.all().count()
        cohort_id = (await LedgerEntry.first()).cohort_id  # type: ignore[union-attr]
        assert (await verify_chain(cohort_id)).ok
        return count
    finally:
        await db.close_db()


if __name__ == "__main__":
    main()
