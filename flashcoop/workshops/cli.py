"""`flashcoop send-reminders`: the reminder and outbox jobs once; kept as an alias of
`flashcoop run-jobs --only reminders --only outbox` for existing cron setups."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from flashcoop.core.db import with_db
from flashcoop.core.settings import Settings


async def send_once(settings: Settings) -> str:
    from flashcoop.notify.services import deliver_outbox
    from flashcoop.workshops.reminders import send_due_reminders

    reminders = await send_due_reminders(settings)
    messages = await deliver_outbox(settings)
    return f"{reminders} reminder(s) sent, {messages} message(s) delivered"


def cmd_send_reminders(args: argparse.Namespace, settings: Settings) -> int:
    async def work() -> int:
        print(await send_once(settings))
        return 0

    return asyncio.run(with_db(settings, work))


def add_send_reminders(sub: Any) -> None:
    parser = sub.add_parser(
        "send-reminders", help="send the due workshop reminders and outbox messages once"
    )
    parser.set_defaults(func=cmd_send_reminders)
