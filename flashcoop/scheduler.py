"""APScheduler wiring: attaches interval triggers to the sweeps; nothing else.

Every worker runs its own in-memory scheduler. The sweeps claim due rows in the database with
conditional updates, so running them in several workers at once is safe (see STACK.md).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from flashcoop.settings import Settings

log = logging.getLogger("flashcoop.scheduler")
Sweep = Callable[[Settings, datetime | None], Awaitable[int]]


def sweeps() -> list[tuple[str, Sweep, int]]:
    """(name, job, every N seconds). Each job takes the settings and an optional `now`."""
    from flashcoop.cohorts import jobs as cohort_jobs

    return list(cohort_jobs.SWEEPS)


async def _run(name: str, job: Sweep, settings: Settings) -> None:
    try:
        count = await job(settings, None)
    except Exception:  # a failing sweep must not kill the scheduler; it runs again soon
        log.exception("sweep %s failed", name)
        return
    if count:
        log.info("sweep %s handled %d item(s)", name, count)


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, job, seconds in sweeps():
        scheduler.add_job(
            _run,
            "interval",
            seconds=seconds,
            args=[name, job, settings],
            id=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=datetime.now().astimezone(),
        )
    scheduler.start()
    return scheduler
