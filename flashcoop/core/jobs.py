"""Periodic jobs: sweeps that select what is due and are safe to run twice or in parallel.

Each domain declares its jobs; the scheduler attaches triggers to them and `flashcoop run-jobs`
runs them once. A job takes the settings and an optional `now` and returns how many items it
handled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flashcoop.core.settings import Settings

Sweep = Callable[[Settings, datetime | None], Awaitable[int]]


@dataclass(frozen=True)
class Job:
    name: str  # short and stable: `flashcoop run-jobs --only NAME`
    run: Sweep
    every_seconds: int
    help: str


class UnknownJob(ValueError):
    pass


def select(jobs: Sequence[Job], only: Iterable[str] | None) -> list[Job]:
    """The jobs named in `only` (all when None), in declaration order; unknown names raise."""
    if not only:
        return list(jobs)
    wanted = list(dict.fromkeys(only))
    known = {job.name for job in jobs}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UnknownJob(", ".join(unknown))
    return [job for job in jobs if job.name in wanted]


async def run_jobs(
    jobs: Sequence[Job],
    settings: Settings,
    *,
    only: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[tuple[str, int]]:
    """Run each selected job once, in order; (name, items handled) for each."""
    return [(job.name, await job.run(settings, now)) for job in select(jobs, only)]
