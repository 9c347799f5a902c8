"""Builders for the closure tests: a cohort with books, attendance, and a clock to move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from flashcoop.accounts.models import User
from flashcoop.closure import reports
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.ledger.services import record_entry
from flashcoop.workshops.attendance import record_attendance
from tests.factories import make_cohort, make_participant, make_user
from tests.ledger_helpers import book_draft
from tests.workshop_helpers import make_workshop


@dataclass
class Books:
    cohort: Cohort
    facilitator: User
    members: list[Participant]
    now: datetime  # during the cohort
    end: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.end = self.cohort.ends_at

    @property
    def after(self) -> datetime:
        """A moment after the cohort's end, when the sweep closes it."""
        return self.end + timedelta(minutes=1)


async def make_books(
    names: tuple[str, ...] = ("Aïcha", "Bruno", "Chloé"),
    *,
    surplus_rule: str = "equal",
    facilitator: User | None = None,
    **fields: Any,
) -> Books:
    now = utcnow()
    facilitator = facilitator or await make_user("facilitator")
    cohort = await make_cohort(
        facilitator=facilitator,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=1),
        now=now,
        surplus_rule=surplus_rule,
        **fields,
    )
    people = [await make_participant(cohort, name) for name in names]
    return Books(cohort, facilitator, people, now)


async def sell(books: Books, member: Participant, cents: int) -> None:
    principal = Principal(participant=member)
    await record_entry(
        books.cohort, book_draft("sale", cents, books.now), principal=principal, now=books.now
    )


async def spend(books: Books, cents: int) -> None:
    principal = Principal(user=books.facilitator)
    await record_entry(
        books.cohort, book_draft("expense", cents, books.now), principal=principal, now=books.now
    )


async def attend(books: Books, hours: float, present: list[Participant]) -> None:
    """A workshop held yesterday, attended by `present`."""
    workshop = await make_workshop(
        books.cohort, starts_at=books.now - timedelta(days=1), hours=hours
    )
    for member in present:
        await record_attendance(
            workshop,
            books.cohort,
            participant_id=member.id,
            status="present",
            by=books.facilitator,
            now=workshop.ends_at,
        )


@pytest.fixture
def report_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replace the report rendering (seconds of WeasyPrint) by a recorder, for the tests of
    the engine's own logic; the tests of the whole closure keep the real one."""
    calls: list[Any] = []

    async def record(cohort: Cohort, closure: Any, **_: Any) -> None:
        calls.append(cohort.id)

    monkeypatch.setattr(reports, "store_closure_reports", record)
    return calls


async def tamper(cohort: Cohort, seq: int) -> None:
    """Alter an entry's amount in raw SQL, behind flashcoop's back (the models refuse to)."""
    from tortoise import Tortoise

    from flashcoop.ledger.models import LedgerEntry

    entry = await LedgerEntry.get(cohort_id=cohort.id, seq=seq)
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    statement = "UPDATE ledger_entry SET amount_cents = 200000 WHERE id = " + (
        "$1" if postgres else "?"
    )
    await conn.execute_query(statement, [entry.id if postgres else str(entry.id)])
