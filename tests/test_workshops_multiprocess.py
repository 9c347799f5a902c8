"""Three real processes run the reminder sweep at the same moment against one database."""

from datetime import timedelta

from flashcoop.core.clock import utcnow
from flashcoop.notify.models import Notification
from flashcoop.workshops.models import Reminder
from tests.conftest import race
from tests.factories import make_cohort, make_participant
from tests.workshop_helpers import make_workshop

SCRIPT = """
import asyncio, sys
from datetime import datetime
from flashcoop.core import db
from flashcoop.workshops.reminders import send_due_reminders
from flashcoop.core.settings import Settings
from flashcoop.domains import house

async def main(url, now):
    house()
    await db.init_db(url)
    settings = Settings(database_url=url, secret_key="k" * 40, scheduler=False)
    count = 0
    for _ in range(3):
        count += await send_due_reminders(settings, datetime.fromisoformat(now))
    print(count)
    await db.close_db()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_reminders_sent_once_by_racing_processes(app, database_url):
    now = utcnow()
    cohort = await make_cohort(starts_at=now - timedelta(hours=1))
    workshops = [
        await make_workshop(cohort, starts_at=now + timedelta(minutes=30 + i)) for i in range(10)
    ]
    members = [await make_participant(cohort, f"Membre {i}") for i in range(4)]
    counts = await race(SCRIPT, database_url, now.isoformat())
    assert sum(counts) == len(workshops)
    assert await Reminder.filter(status="sent").count() == len(workshops)
    assert await Notification.filter(kind="workshop_reminder").count() == len(workshops) * len(
        members
    )
