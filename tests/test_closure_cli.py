"""`flashcoop close-due` as cron runs it: closes what is due, prints the count, then 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = """
import asyncio, sys
from datetime import timedelta
from flashcoop.core import db
from flashcoop.core.clock import utcnow
from flashcoop.domains import house

async def main(url):
    house()
    await db.init_db(url)
    try:
        from flashcoop.cohorts.joining import JoinRequest, join_cohort
        from tests.factories import make_cohort, make_user
        now = utcnow()
        start = now - timedelta(days=3)
        facilitator = await make_user("facilitator")
        for minutes in (5, 50):  # two cohorts that ended a little while ago
            cohort = await make_cohort(
                facilitator=facilitator, starts_at=start, ends_at=now - timedelta(minutes=minutes),
                now=start,
            )
            await join_cohort(
                JoinRequest(cohort.join_code, "Aïcha", "1234"), client="t", max_failures=9,
                now=start,
            )
        await make_cohort(facilitator=facilitator)  # still running
    finally:
        await db.close_db()

asyncio.run(main(sys.argv[1]))
"""


def test_close_due_prints_how_many_it_closed(tmp_path):
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "FLASHCOOP_DATA_DIR": str(tmp_path),
        "FLASHCOOP_SECRET_KEY": "cli-test-" + "z" * 32,
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )

    migrated = run("-m", "flashcoop", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = run("-c", SEED, env["FLASHCOOP_DATABASE_URL"])
    assert seeded.returncode == 0, seeded.stderr
    first = run("-m", "flashcoop", "close-due")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "2"
    again = run("-m", "flashcoop", "close-due")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0"
    jobs = run("-m", "flashcoop", "run-jobs", "--only", "closure")
    assert jobs.stdout.strip() == "closure: 0", jobs.stderr
