"""`flashcoop send-reminders`: run the reminder and outbox sweeps once (for cron setups)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from flashcoop.settings import Settings


async def send_once(settings: Settings) -> str:
    from flashcoop.cohorts.workshop_reminders import send_due_reminders
    from flashcoop.notify import deliver_outbox

    reminders = await send_due_reminders(settings)
    messages = await deliver_outbox(settings)
    return f"{reminders} reminder(s) sent, {messages} message(s) delivered"


def cmd_send_reminders(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.cli import _with_db

    async def work() -> int:
        print(await send_once(settings))
        return 0

    return asyncio.run(_with_db(settings, work))


def add_send_reminders(sub: Any) -> None:
    parser = sub.add_parser(
        "send-reminders", help="send the due workshop reminders and outbox messages once"
    )
    parser.set_defaults(func=cmd_send_reminders)
