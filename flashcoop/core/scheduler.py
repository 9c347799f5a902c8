"""APScheduler wiring: attaches interval triggers to the domains' jobs; nothing else.

Every worker runs its own in-memory scheduler. The jobs claim due rows in the database with
conditional updates, so running them in several workers at once is safe (see STACK.md).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from flashcoop.core.jobs import Job
from flashcoop.core.settings import Settings

log = logging.getLogger("flashcoop.scheduler")


async def _run(job: Job, settings: Settings) -> None:
    try:
        count = await job.run(settings, None)
    except Exception:  # a failing job must not kill the scheduler; it runs again soon
        log.exception("job %s failed", job.name)
        return
    if count:
        log.info("job %s handled %d item(s)", job.name, count)


def start_scheduler(settings: Settings, jobs: Sequence[Job]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job in jobs:
        scheduler.add_job(
            _run,
            "interval",
            seconds=job.every_seconds,
            args=[job, settings],
            id=job.name,
            coalesce=True,
            max_instances=1,
            # A run missed while the server was down happens at the next start.
            misfire_grace_time=None,
            next_run_time=datetime.now().astimezone(),
        )
    scheduler.start()
    return scheduler
