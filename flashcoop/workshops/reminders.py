"""Workshop reminders: a sweep stores each due reminder as a row, claims it, and sends it once.

A reminder's key is (workshop, minutes before, start time): inserting it twice fails on the
unique index, and sending it needs the conditional UPDATE pending → sending, which only one
worker wins. A reschedule changes the start time, hence the keys: the old reminders are
skipped and new ones fall due. A reminder missed while the server was down is still sent if
the workshop has not started, but only the closest one (no "tomorrow" an hour before).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import OPEN, Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_
from flashcoop.core.settings import Settings
from flashcoop.notify.services import notify_members
from flashcoop.workshops.models import SCHEDULED, Reminder, Workshop

MSG_REMINDER = N_("Reminder: workshop “{title}”, {when}.")
MSG_REMINDER_AT = N_("Reminder: workshop “{title}”, {when}, at {location}.")
BATCH = 200
# A claim older than this belongs to a worker that died mid-way: its transaction rolled back
# (the notifications and the "sent" mark are committed together), so sending again is safe.
STALE_CLAIM = timedelta(minutes=5)


def reminder_key(workshop: Workshop, minutes: int) -> str:
    return f"{workshop.id}:{minutes}:{int(workshop.starts_at.timestamp())}"


async def _store_due(offsets: list[int], now: datetime) -> None:
    horizon = now + timedelta(minutes=max(offsets))
    upcoming = await Workshop.filter(
        status=SCHEDULED, starts_at__gt=now, starts_at__lte=horizon, cohort__status=OPEN
    )
    stored = set(
        await Reminder.filter(workshop_id__in=[w.id for w in upcoming]).values_list(
            "key", flat=True
        )
    )
    for workshop in upcoming:
        due = [m for m in offsets if workshop.starts_at - timedelta(minutes=m) <= now]
        if not due:
            continue
        closest = min(due)
        for minutes in due:
            if reminder_key(workshop, minutes) in stored:
                continue
            try:
                await Reminder.create(
                    key=reminder_key(workshop, minutes),
                    workshop_id=workshop.id,
                    minutes_before=minutes,
                    workshop_starts_at=workshop.starts_at,
                    due_at=workshop.starts_at - timedelta(minutes=minutes),
                    status="pending" if minutes == closest else "skipped",
                )
            except IntegrityError:
                continue  # stored already, by an earlier sweep or another worker


async def send_due_reminders(settings: Settings, now: datetime | None = None) -> int:
    """Remind members of the workshops that are due; each reminder is sent exactly once."""
    now = now or utcnow()
    offsets = sorted(settings.reminder_minutes)
    if offsets:
        await _store_due(offsets, now)
    await Reminder.filter(status="sending", claimed_at__lt=now - STALE_CLAIM).update(
        status="pending"
    )
    sent = 0
    for reminder in await Reminder.filter(status="pending", due_at__lte=now).limit(BATCH):
        claimed = await Reminder.filter(id=reminder.id, status="pending").update(
            status="sending", claimed_at=now
        )
        if not claimed:
            continue  # another worker is sending it
        workshop = await Workshop.get_or_none(id=reminder.workshop_id)
        if (
            workshop is None
            or workshop.status != SCHEDULED
            or workshop.starts_at != reminder.workshop_starts_at
            or workshop.starts_at <= now
        ):
            await Reminder.filter(id=reminder.id).update(status="skipped")
            continue
        try:
            await _send(settings, reminder, workshop, now)
        except Exception:
            await Reminder.filter(id=reminder.id).update(status="pending")
            raise
        sent += 1
    return sent


async def _send(settings: Settings, reminder: Reminder, workshop: Workshop, now: datetime) -> None:
    cohort = await Cohort.get(id=workshop.cohort_id)
    recipients = await members(cohort.id)
    params = {
        "title": workshop.title,
        "at": workshop.starts_at.isoformat(),
        "tz": cohort.timezone,
        "location": workshop.location,
    }
    async with in_transaction():
        count = await notify_members(
            recipients,
            kind="workshop_reminder",
            msgid=MSG_REMINDER_AT if workshop.location else MSG_REMINDER,
            params=params,
            link="/me",
            settings=settings,
            now=now,
        )
        await Reminder.filter(id=reminder.id).update(status="sent", sent_at=now, recipients=count)
