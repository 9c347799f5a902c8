"""`flashcoop close-due` as cron runs it: closes what is due, prints the count, then 0."""

from __future__ import annotations

from tests.conftest import cli_database_url

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


def test_close_due_prints_how_many_it_closed(run_python, tmp_path):
    run = run_python
    migrated = run("-m", "flashcoop", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = run("-c", SEED, cli_database_url(tmp_path))
    assert seeded.returncode == 0, seeded.stderr
    first = run("-m", "flashcoop", "close-due")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "2"
    again = run("-m", "flashcoop", "close-due")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0"
    jobs = run("-m", "flashcoop", "run-jobs", "--only", "closure")
    assert jobs.stdout.strip() == "closure: 0", jobs.stderr
