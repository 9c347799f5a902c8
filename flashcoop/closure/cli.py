"""`flashcoop close-due`: the closure sweep once, for cron (what the scheduler does)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from flashcoop.core.db import with_db
from flashcoop.core.settings import Settings


def cmd_close_due(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.closure.sweep import close_due

    async def work() -> int:
        print(await close_due(settings))
        return 0

    return asyncio.run(with_db(settings, work))


def add_close_due(sub: Any) -> None:
    parser = sub.add_parser(
        "close-due",
        help="close the cohorts whose end has passed (and resume stalled closures); "
        "prints how many were closed",
    )
    parser.set_defaults(func=cmd_close_due)
