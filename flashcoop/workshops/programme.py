"""The default "flashcoop-7-days" programme, laid over a cohort's working days.

Seven programme days of two sessions (9:30-12:30 and 14:00-17:00 local time). A longer cohort
spreads the seven days evenly from its first to its last working day; a shorter one keeps the
sessions that matter most (kick-off, results and pay, market, pitch...) in programme order.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flashcoop.cohorts.models import Cohort
from flashcoop.core import i18n
from flashcoop.core.errors import N_
from flashcoop.workshops.models import Workshop, minutes_between

SLOTS = ((time(9, 30), time(12, 30)), (time(14, 0), time(17, 0)))
PROGRAMME_DAYS = 7


class Session(NamedTuple):
    day: int  # programme day, 0-6
    priority: int  # lower is kept first when the cohort is short
    title: str
    description: str
    competences: tuple[str, ...]


SESSIONS: tuple[Session, ...] = (
    Session(
        0,
        0,
        N_("Kick-off assembly"),
        N_("Meet each other, found the cooperative, share out the roles."),
        ("2.1", "2.5", "3.4"),
    ),
    Session(
        0,
        8,
        N_("Name and logo"),
        N_("Choose the cooperative's name and draw its logo."),
        ("1.2", "1.3"),
    ),
    Session(
        1,
        4,
        N_("Market study"),
        N_("Who will buy, what, at what price? Prepare the questions."),
        ("1.1", "1.4"),
    ),
    Session(
        1,
        10,
        N_("Market study in the field"),
        N_("Meet customers and suppliers, compare prices."),
        ("1.1", "3.3"),
    ),
    Session(
        2,
        9,
        N_("Preparing the pitch"),
        N_("Build the budget and the pitch together."),
        ("2.4", "3.2"),
    ),
    Session(
        2,
        3,
        N_("Pitch to a banker"),
        N_("Present the project and the budget to a banker."),
        ("2.2", "2.3"),
    ),
    Session(
        3, 6, N_("Production"), N_("Buy, prepare and produce what we will sell."), ("3.2", "3.4")
    ),
    Session(
        3,
        11,
        N_("Production (continued)"),
        N_("Finish the production and set up the stall."),
        ("1.5", "3.2"),
    ),
    Session(
        4, 2, N_("Market day"), N_("Sell! Every sale goes into the ledger."), ("3.1", "3.3", "2.4")
    ),
    Session(
        4, 7, N_("Market day (afternoon)"), N_("Keep selling, count the cash box."), ("3.1", "3.4")
    ),
    Session(5, 5, N_("Second market day"), N_("Sell again, with what we learned."), ("3.1", "3.5")),
    Session(
        5,
        12,
        N_("Second market day (afternoon)"),
        N_("Sell, then tidy up the stall."),
        ("3.3", "3.4"),
    ),
    Session(
        6,
        1,
        N_("Results review"),
        N_("Read the accounts together: sales, expenses, surplus."),
        ("2.4", "3.5"),
    ),
    Session(
        6,
        13,
        N_("Paying ourselves"),
        N_("Share out the surplus, receive the certificates, celebrate."),
        ("1.5", "2.4"),
    ),
)


def _days(cohort: Cohort) -> list[list[tuple[datetime, datetime]]]:
    """The cohort's days with the session slots that fit inside its period (local times)."""
    tz = cohort.tz
    utc = ZoneInfo("UTC")
    first = cohort.starts_at.astimezone(tz).date()
    last = cohort.ends_at.astimezone(tz).date()
    every: list[tuple[date, list[tuple[datetime, datetime]]]] = []
    day = first
    while day <= last:
        slots = []
        for start, end in SLOTS:
            s = datetime.combine(day, start, tz).astimezone(utc)
            e = datetime.combine(day, end, tz).astimezone(utc)
            if s >= cohort.starts_at and e <= cohort.ends_at:
                slots.append((s, e))
        if slots:
            every.append((day, slots))
        day += timedelta(days=1)
    working = [slots for d, slots in every if d.weekday() < 5]
    # A cohort held only on a weekend still gets its programme.
    return working or [slots for _d, slots in every]


def plan(cohort: Cohort) -> list[tuple[Session, datetime, datetime]]:
    """Which session goes in which slot for this cohort."""
    days = _days(cohort)
    if not days:
        return []
    planned: list[tuple[Session, datetime, datetime]] = []
    if len(days) >= PROGRAMME_DAYS:
        chosen = [days[round(i * (len(days) - 1) / (PROGRAMME_DAYS - 1))] for i in range(7)]
        for index, slots in enumerate(chosen):
            sessions = [s for s in SESSIONS if s.day == index]
            if len(slots) < len(sessions):
                sessions = sorted(sessions, key=lambda s: s.priority)[: len(slots)]
                sessions.sort(key=SESSIONS.index)
            for session, (start, end) in zip(sessions, slots, strict=False):
                planned.append((session, start, end))
        return planned
    slots = [slot for day_slots in days for slot in day_slots]
    kept = sorted(SESSIONS, key=lambda s: s.priority)[: len(slots)]
    kept.sort(key=SESSIONS.index)
    return [(session, s, e) for session, (s, e) in zip(kept, slots, strict=False)]


async def create_default_programme(cohort: Cohort) -> list[Workshop]:
    """Create the default 7-day Flashcoop programme over the cohort's dates."""
    created = []
    for session, start, end in plan(cohort):
        created.append(
            await Workshop.create(
                cohort=cohort,
                title=i18n.gettext(session.title),
                description=i18n.gettext(session.description),
                location=cohort.location,
                starts_at=start,
                ends_at=end,
                duration_minutes=minutes_between(start, end),
                competences=list(session.competences),
            )
        )
    return created


async def on_cohort_created(*, cohort: Cohort, programme: str) -> None:
    """Receiver of `cohort_created`: lay out the programme the facilitator chose."""
    if programme == "flashcoop-7-days":
        await create_default_programme(cohort)
