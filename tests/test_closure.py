"""Closing a cohort: once, whoever races for it; resumed after a dead worker; exact shares."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import timedelta

import pytest

from flashcoop.certificates.models import Certificate
from flashcoop.closure import engine, reports
from flashcoop.closure.engine import CLAIM_TIMEOUT, close_cohort
from flashcoop.closure.models import Closure, Report, Share
from flashcoop.closure.sweep import close_due
from flashcoop.cohorts.models import Cohort
from flashcoop.core.errors import DomainError
from flashcoop.notify.models import Notification, OutboxMessage, WebhookDelivery
from flashcoop.notify.webhooks import WebhookDraft, create_webhook
from tests.closure_helpers import attend, make_books, report_calls, sell, spend, tamper
from tests.factories import make_user

__all__ = ["report_calls"]  # the fixture, imported for the tests below


async def shares_of(books) -> dict[str, int]:
    rows = await Share.filter(cohort_id=books.cohort.id)
    return {str(s.participant_id): s.amount_cents for s in rows}


async def test_a_closure_runs_every_step_once(app, settings):
    books = await make_books()
    a, b, c = books.members
    await sell(books, a, 6000)
    await sell(books, b, 4001)
    await spend(books, 1000)
    await attend(books, 3, [a, b, c])
    hook = await create_webhook(
        WebhookDraft("http://127.0.0.1:9/hook", ("cohort.closed",)), created_by=None
    )

    assert await close_due(settings, books.now) == 0  # not due yet
    assert await close_due(settings, books.after) == 1

    cohort = await Cohort.get(id=books.cohort.id)
    assert cohort.status == "closed"
    closure = await Closure.get(cohort_id=cohort.id)
    assert cohort.closed_at == closure.started_at == books.after
    assert closure.step == "done" and closure.error == "" and closure.trigger == "schedule"
    assert (closure.sales_cents, closure.expenses_cents, closure.surplus_cents) == (
        10001,
        1000,
        9001,
    )
    assert closure.ledger_entries == 3 and len(closure.ledger_head) == 64
    assert sorted((await shares_of(books)).values()) == [3000, 3000, 3001]
    assert await Certificate.filter(cohort_id=cohort.id).count() == 3
    assert await Report.filter(cohort_id=cohort.id, kind="closure").count() >= 3
    [delivery] = await WebhookDelivery.filter(webhook_id=hook.id)
    assert delivery.event_key == f"cohort.closed:{cohort.id}"
    assert '"surplus":"90.01"' in delivery.body.replace(" ", "")
    for name in ("Aïcha", "Bruno", "Chloé"):  # no personal data in the event
        assert name not in delivery.body
    notes = await Notification.filter(kind="cohort_closed")
    assert sorted(str(n.participant_id) for n in notes) == sorted(str(m.id) for m in books.members)

    # Again, by the sweep or by hand: nothing more.
    assert await close_due(settings, books.after + timedelta(hours=1)) == 0
    assert await close_cohort(cohort.id, trigger="manual", settings=settings) is False
    assert await Share.filter(cohort_id=cohort.id).count() == 3
    assert await Certificate.filter(cohort_id=cohort.id).count() == 3
    assert await WebhookDelivery.all().count() == 1
    assert await Notification.filter(kind="cohort_closed").count() == 3


async def test_racing_closers_close_once(app, settings):
    books = await make_books(("Aïcha", "Bruno"))
    await sell(books, books.members[0], 1001)
    await create_webhook(WebhookDraft("http://127.0.0.1:9/a", ("cohort.closed",)), created_by=None)
    await create_webhook(WebhookDraft("http://127.0.0.1:9/b", ("cohort.closed",)), created_by=None)

    results = await asyncio.gather(
        *[
            close_cohort(
                books.cohort.id,
                trigger="schedule" if i % 2 else "manual",
                settings=settings,
                now=books.after,
            )
            for i in range(8)
        ],
        close_due(settings, books.after),
        close_due(settings, books.after),
    )
    assert sum(int(r) for r in results) == 1
    assert await Closure.filter(cohort_id=books.cohort.id).count() == 1
    assert sorted((await shares_of(books)).values()) == [500, 501]
    assert await Certificate.filter(cohort_id=books.cohort.id).count() == 2
    formats = await Report.filter(cohort_id=books.cohort.id).values_list(
        "audience", "format", "version"
    )
    assert len(formats) == len(set(formats)) >= 3
    assert await WebhookDelivery.all().count() == 2  # one per endpoint
    assert await Notification.filter(kind="cohort_closed").count() == 2


async def test_a_dead_workers_closure_is_taken_over_after_the_timeout(app, settings, monkeypatch):
    books = await make_books()
    await sell(books, books.members[0], 3000)
    real_store = reports.store_closure_reports

    async def crash(*args, **kwargs):
        raise RuntimeError("the worker died while rendering the report")

    monkeypatch.setattr(reports, "store_closure_reports", crash)
    assert await close_due(settings, books.after) == 0
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.step == "certificates" and closure.error == ""
    assert (await Cohort.get(id=books.cohort.id)).status == "closing"
    certificates = await Certificate.filter(cohort_id=books.cohort.id).count()
    assert certificates == 3
    monkeypatch.setattr(reports, "store_closure_reports", real_store)

    # A fresh claim is not stolen, by the sweep nor by a person.
    soon = books.after + CLAIM_TIMEOUT - timedelta(minutes=1)
    assert await close_due(settings, soon) == 0
    assert await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=soon) is (
        False
    )
    assert (await Closure.get(id=closure.id)).worker == closure.worker

    # Past the timeout, the sweep takes over and resumes after the recorded step.
    later = books.after + CLAIM_TIMEOUT + timedelta(minutes=1)  # each step renews the claim
    assert await close_due(settings, later) == 1
    resumed = await Closure.get(id=closure.id)
    assert resumed.step == "done" and resumed.worker != closure.worker
    assert (await Cohort.get(id=books.cohort.id)).status == "closed"
    assert await Certificate.filter(cohort_id=books.cohort.id).count() == certificates
    assert await Share.filter(cohort_id=books.cohort.id).count() == 3
    assert await Report.filter(cohort_id=books.cohort.id).count() >= 3
    assert await Notification.filter(kind="cohort_closed").count() == 3


async def test_a_slow_worker_that_was_replaced_stops(app, settings, report_calls):
    books = await make_books()
    cohort = await Cohort.get(id=books.cohort.id)
    slow = await engine._claim(
        cohort, trigger="schedule", settings=settings, now=books.after, by=None
    )
    assert slow is not None
    later = books.after + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert await close_due(settings, later) == 1  # the takeover finishes it
    with pytest.raises(engine.LostClaim):
        await engine._resume(slow)
    assert report_calls == [books.cohort.id]
    assert await Notification.filter(kind="cohort_closed").count() == 3


async def test_a_broken_chain_stops_the_closure_loudly_once(app, settings, report_calls):
    settings = dataclasses.replace(settings, smtp_url="smtp://127.0.0.1:2525")
    admin = await make_user("admin")
    books = await make_books()
    other = await make_user("facilitator", organisation="Another structure")
    await sell(books, books.members[0], 1000)
    await sell(books, books.members[1], 2000)
    # Someone edits the database behind flashcoop's back.
    await tamper(books.cohort, 2)

    assert await close_due(settings, books.after) == 0
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.error == "ledger_broken:2" and closure.step == "started"
    assert (await Cohort.get(id=books.cohort.id)).status == "closing"  # frozen, not closed
    assert await Share.all().count() == 0 and await Certificate.all().count() == 0
    assert report_calls == []
    mails = await OutboxMessage.filter(channel="email")
    assert sorted(m.recipient for m in mails) == sorted([admin.email, books.facilitator.email])
    assert other.email not in {m.recipient for m in mails}
    # In the structure's language (French by default), naming the first bad entry.
    assert re.search(r"n°\s2\b", mails[0].body) and str(books.cohort.id) in mails[0].body
    assert await Notification.all().count() == 0

    # The sweep does not retry it in a loop, even long after.
    assert await close_due(settings, books.after + timedelta(days=1)) == 0
    # A person may ask again: still broken, refused again, the staff not told twice.
    with pytest.raises(DomainError) as refused:
        await close_cohort(books.cohort.id, trigger="manual", settings=settings)
    assert refused.value.code == "ledger_broken"
    assert await OutboxMessage.filter(channel="email").count() == 2


async def test_a_deficit_is_reported_never_shared(app, settings, report_calls):
    books = await make_books()
    await sell(books, books.members[0], 1000)
    await spend(books, 2550)
    assert await close_due(settings, books.after) == 1
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.surplus_cents == -1550
    assert await Share.all().count() == 0
    assert (await Cohort.get(id=books.cohort.id)).status == "closed"


async def test_equal_shares_add_up_to_the_cent(app, settings, report_calls):
    books = await make_books(surplus_rule="equal")
    await sell(books, books.members[0], 10000)
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    shares = await shares_of(books)
    assert sorted(shares.values()) == [3333, 3333, 3334]
    # The extra cent goes to the smallest participant id (ties broken by key order).
    assert shares[min(shares)] == 3334
    assert {s.basis for s in await Share.all()} == {1}


async def test_shares_pro_rata_of_hours(app, settings, report_calls):
    books = await make_books(surplus_rule="hours")
    a, b, c = books.members
    await attend(books, 3, [a, b])
    await attend(books, 1, [a])
    await sell(books, c, 1000)
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    shares = await shares_of(books)
    # 240 and 180 minutes of 420: 571.43 and 428.57; Chloé attended nothing.
    assert shares == {str(a.id): 571, str(b.id): 429, str(c.id): 0}
    bases = {str(s.participant_id): s.basis for s in await Share.all()}
    assert bases == {str(a.id): 240, str(b.id): 180, str(c.id): 0}
    assert (await Closure.get(cohort_id=books.cohort.id)).surplus_rule == "hours"


async def test_nobody_attended_falls_back_to_equal_shares(app, settings, report_calls):
    books = await make_books(("Aïcha", "Bruno"), surplus_rule="hours")
    await sell(books, books.members[0], 1001)
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    assert sorted((await shares_of(books)).values()) == [500, 501]


async def test_shares_pro_rata_of_sales(app, settings, report_calls):
    books = await make_books(surplus_rule="sales")
    a, b, c = books.members
    await sell(books, a, 3000)
    await sell(books, b, 1000)
    await spend(books, 2000)
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    assert await shares_of(books) == {str(a.id): 1500, str(b.id): 500, str(c.id): 0}


async def test_the_rule_is_frozen_at_closure(app, settings, report_calls):
    books = await make_books(("Aïcha", "Bruno"), surplus_rule="sales")
    await sell(books, books.members[0], 1000)
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.now)
    await Cohort.filter(id=books.cohort.id).update(surplus_rule="equal")
    await close_cohort(books.cohort.id, trigger="manual", settings=settings, now=books.after)
    assert (await Closure.get(cohort_id=books.cohort.id)).surplus_rule == "sales"
    assert sorted((await shares_of(books)).values()) == [0, 1000]


async def test_an_early_closure_by_hand_is_allowed_the_schedule_waits(app, settings, report_calls):
    books = await make_books()
    cohort_id = books.cohort.id
    assert await close_cohort(cohort_id, trigger="schedule", settings=settings, now=books.now) is (
        False
    )
    assert (await Cohort.get(id=cohort_id)).status == "active"
    assert await close_cohort(cohort_id, trigger="manual", settings=settings, now=books.now)
    closure = await Closure.get(cohort_id=cohort_id)
    assert closure.trigger == "manual"
    assert (await Cohort.get(id=cohort_id)).closed_at == books.now


async def test_close_due_counts_several_cohorts_and_skips_the_running_ones(
    app, settings, report_calls
):
    first = await make_books(("Aïcha",))
    second = await make_books(("Bruno",), facilitator=first.facilitator)
    running = await make_books(("Chloé",), facilitator=first.facilitator)
    await Cohort.filter(id=running.cohort.id).update(ends_at=first.after + timedelta(days=3))
    assert await close_due(settings, first.after) == 2
    statuses = {c.id: c.status for c in await Cohort.all()}
    assert statuses == {
        first.cohort.id: "closed",
        second.cohort.id: "closed",
        running.cohort.id: "active",
    }


async def test_unknown_cohort_is_not_found(app, settings):
    with pytest.raises(DomainError) as missing:
        await close_cohort(
            "00000000-0000-4000-8000-000000000000", trigger="manual", settings=settings
        )
    assert missing.value.status == 404
