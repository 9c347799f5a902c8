"""The closure bench's database, built through the real services: a 30-person cohort ready to
close (its 7-day programme attended, chained books, a webhook endpoint) and a second cohort of
30 phones that keeps selling while the first one closes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any


async def _cohort(user: Any, name: str, start: datetime, ends: datetime) -> Any:
    from flashcoop.cohorts.launch import CohortDraft, ProductDraft, create_cohort
    from flashcoop.core.principal import Principal

    draft = CohortDraft(
        name=name,
        activity="Épicerie",
        starts_at=start,
        ends_at=ends,
        structure_id=user.organisation_id,
        surplus_rule="hours",
        attendance_threshold=50,
        programme="flashcoop-7-days",
        products=(ProductDraft("Jus", 250),),
    )
    return await create_cohort(draft, principal=Principal(user=user))


async def _members(cohort: Any, count: int, at: datetime) -> list[Any]:
    from flashcoop.cohorts.joining import JoinRequest, join_cohort

    return [
        (
            await join_cohort(
                JoinRequest(cohort.join_code, f"Membre {i:02d}", "1234"),
                client="bench",
                max_failures=10_000,
                now=at,
            )
        )[0]
        for i in range(count)
    ]


async def _attend(cohort: Any, people: list[Any], user: Any, now: datetime) -> None:
    from flashcoop.workshops.attendance import record_attendance
    from flashcoop.workshops.models import Workshop

    workshops = await Workshop.filter(cohort_id=cohort.id, ends_at__lte=now).order_by("starts_at")
    for w_index, workshop in enumerate(workshops):
        for m_index, member in enumerate(people):
            await record_attendance(
                workshop,
                cohort,
                participant_id=member.id,
                status="present" if (w_index + m_index) % 4 else "absent",
                by=user,
                now=workshop.ends_at,
            )


async def _books(cohort: Any, people: list[Any], user: Any, entries: int, now: datetime) -> None:
    from flashcoop.core.principal import Principal
    from flashcoop.ledger.drafts import Draft
    from flashcoop.ledger.services import record_entry

    for i in range(entries):
        kind = "expense" if i % 50 == 0 else "sale"
        principal = (
            Principal(user=user)
            if kind == "expense"
            else Principal(participant=people[i % len(people)])
        )
        entry = Draft(
            id=uuid.uuid4(),
            kind=kind,
            book=kind,
            amount_cents=1500 if kind == "expense" else 250 * (1 + i % 3),
            quantity=1,
            label="Oranges" if kind == "expense" else "Jus",
            payment_method="cash",
            occurred_at=now - timedelta(days=i % 7, minutes=i % 600),
        )
        await record_entry(cohort, entry, principal=principal, now=now)


async def build(url: str, members: int, entries: int) -> dict[str, Any]:
    """Schema and data; the ids and tokens the other phases need."""

    from bench.common import bench_facilitator, open_schema
    from flashcoop.accounts.services import create_token
    from flashcoop.core import db
    from flashcoop.notify.webhooks import WebhookDraft, create_webhook

    await open_schema(url)
    try:
        user = await bench_facilitator()
        now = datetime.now(UTC)
        start = now - timedelta(days=12)
        cohort = await _cohort(user, "Bench", start, now + timedelta(days=1))
        people = await _members(cohort, members, start)
        await _attend(cohort, people, user, now)
        await _books(cohort, people, user, entries, now)
        await create_webhook(
            WebhookDraft("http://127.0.0.1:9/funder", ("cohort.closed",)), created_by=user.id
        )
        selling = await _cohort(user, "Selling", now - timedelta(hours=1), now + timedelta(days=30))
        phones = [await create_token(participant=p) for p in await _members(selling, 30, now)]
        return {
            "cohort": str(cohort.id),
            "sales_cohort": str(selling.id),
            "phones": phones,
            "staff": await create_token(user=user),
            "user": user.id,
        }
    finally:
        await db.close_db()
