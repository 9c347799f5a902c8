"""Several server processes appending to one cohort at once: still no gap, no duplicate."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import httpx
import pytest

from flashcoop.devserver import free_port, running, uvicorn_command
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.models import LedgerEntry
from tests.factories import bearer, make_cohort, make_participant
from tests.ledger_helpers import entries_url, sale

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3


@pytest.fixture
def workers(settings, app):
    port = free_port()
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": settings.database_url,
        "FLASHCOOP_SECRET_KEY": settings.secret_key,
        "FLASHCOOP_DATA_DIR": str(settings.data_dir),
        "FLASHCOOP_SCHEDULER": "off",
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # uvicorn directly (not `flashcoop serve`): the test database is built without migrations.
    command = uvicorn_command("flashcoop.app:create_app", port, "--workers", str(WORKERS))
    base = f"http://127.0.0.1:{port}"
    with running(command, url=base + "/healthz", env=env, cwd=ROOT):
        yield base


async def test_several_processes_keep_one_gapless_chain(workers):
    cohort = await make_cohort()
    headers = [await bearer(await make_participant(cohort, f"Membre {i}")) for i in range(5)]
    rng = random.Random(11)
    bodies = [(rng.choice(headers), sale(amount=f"{rng.randint(1, 999)}")) for _ in range(200)]
    jobs = bodies + [rng.choice(bodies) for _ in range(40)]  # replays mixed in
    rng.shuffle(jobs)
    limits = httpx.Limits(max_connections=40)
    async with httpx.AsyncClient(base_url=workers, limits=limits, timeout=60) as http:
        responses = await asyncio.gather(
            *[http.post(entries_url(cohort), json=body, headers=h) for h, body in jobs]
        )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 201}, [r.text for r in responses if r.status_code > 201][:3]
    assert statuses.count(201) == len(bodies)
    seqs = sorted(await LedgerEntry.filter(cohort_id=cohort.id).values_list("seq", flat=True))
    assert seqs == list(range(1, len(bodies) + 1))
    assert (await verify_chain(cohort.id)).ok
