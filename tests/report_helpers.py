"""Builders for the report, outcome, funder and indicator tests: a cohort with sales,
attendance and people, closed directly (Closure and Share rows written by hand, so these tests
do not depend on the closure engine)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flashcoop.accounts.models import Organisation, User
from flashcoop.certificates.models import Assessment, Certificate
from flashcoop.closure.models import Closure, Share
from flashcoop.cohorts.models import Cohort, CohortFunder, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.ledger.services import record_entry
from flashcoop.workshops.attendance import record_attendance
from tests.factories import make_cohort, make_funder_org, make_participant, make_user
from tests.ledger_helpers import book_draft
from tests.workshop_helpers import make_workshop

HEAD = "9f" * 32


@dataclass
class Closed:
    cohort: Cohort
    closure: Closure
    facilitator: User
    funder: User
    funder_org: Organisation
    people: list[Participant]
    now: datetime  # during the cohort


async def make_open(
    names: tuple[str, ...] = ("Aïcha", "Bruno", "Chloé", "Dylan"),
    *,
    funder_org: Organisation | None = None,
    facilitator: User | None = None,
    **fields: Any,
) -> tuple[Cohort, User, list[Participant], datetime]:
    now = utcnow()
    facilitator = facilitator or await make_user("facilitator")
    cohort = await make_cohort(
        facilitator=facilitator,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=1),
        now=now,
        **fields,
    )
    if funder_org is not None:
        await CohortFunder.create(cohort=cohort, funder=funder_org)
    people = [await make_participant(cohort, name) for name in names]
    return cohort, facilitator, people, now


async def sell(cohort: Cohort, member: Participant, cents: int, at: datetime) -> None:
    await record_entry(
        cohort, book_draft("sale", cents, at), principal=Principal(participant=member), now=at
    )


async def spend(cohort: Cohort, by: User, cents: int, at: datetime) -> None:
    await record_entry(
        cohort, book_draft("expense", cents, at), principal=Principal(user=by), now=at
    )


async def attend(
    cohort: Cohort, by: User, present: list[Participant], *, hours: float, at: datetime
) -> None:
    """A workshop held the day before `at`, attended by `present`."""
    workshop = await make_workshop(cohort, starts_at=at - timedelta(days=1), hours=hours)
    for member in present:
        await record_attendance(
            workshop,
            cohort,
            participant_id=member.id,
            status="present",
            by=by,
            now=workshop.ends_at,
        )


async def close_directly(
    cohort: Cohort,
    shares: dict[Participant, int],
    *,
    sales_cents: int,
    expenses_cents: int,
    now: datetime | None = None,
    ledger_entries: int = 0,
) -> Closure:
    """What the closure engine leaves behind: a Closure row, the shares, a closed cohort."""
    now = now or utcnow()
    closure = await Closure.create(
        cohort=cohort,
        trigger="manual",
        worker="test",
        claimed_at=now,
        started_at=now,
        finished_at=now,
        step="done",
        surplus_rule=cohort.surplus_rule,
        sales_cents=sales_cents,
        expenses_cents=expenses_cents,
        surplus_cents=sales_cents - expenses_cents,
        ledger_entries=ledger_entries,
        ledger_head=HEAD,
    )
    for member, cents in shares.items():
        await Share.create(cohort=cohort, participant=member, basis=1, amount_cents=cents)
    cohort.status = "closed"
    cohort.closed_at = now
    await cohort.save(update_fields=["status", "closed_at"])
    return closure


async def make_closed(
    names: tuple[str, ...] = ("Aïcha", "Bruno", "Chloé", "Dylan"),
    *,
    funder_org: Organisation | None = None,
    facilitator: User | None = None,
    **fields: Any,
) -> Closed:
    """A cohort of four with sales 100.05, expenses 20.00, a 3-hour workshop attended by
    three, two assessments, one certificate, a funder user; closed now."""
    funder_org = funder_org or await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)
    cohort, facilitator, people, now = await make_open(
        names, funder_org=funder_org, facilitator=facilitator, **fields
    )
    await sell(cohort, people[0], 6005, now)
    await sell(cohort, people[1], 4000, now)
    await spend(cohort, facilitator, 2000, now)
    await attend(cohort, facilitator, people[:3], hours=3, at=now)
    for member in people[:3]:
        await Assessment.create(
            cohort=cohort,
            participant=member,
            competence="1.1",
            level=2,
            assessed_by=facilitator,
            assessed_at=now,
        )
    await Certificate.create(
        cohort=cohort, participant=people[0], kind="eligible", issued_at=now, salt="s" * 16
    )
    shares = {p: c for p, c in zip(people, (2002, 2001, 2001, 2001), strict=False)}
    closure = await close_directly(
        cohort, shares, sales_cents=10005, expenses_cents=2000, ledger_entries=3
    )
    return Closed(cohort, closure, facilitator, funder, funder_org, people, now)
