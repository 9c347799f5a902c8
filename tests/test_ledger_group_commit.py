"""Group commit: appends waiting together share one transaction, and each still gets its own
answer — a new entry, a replay, or its own refusal — as if it had been alone."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from tortoise.exceptions import OperationalError

from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError
from flashcoop.core.principal import Principal
from flashcoop.ledger import appender, batch_sql
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.drafts import Reversal
from flashcoop.ledger.models import LedgerEntry, LedgerHead
from flashcoop.ledger.services import record_entry, reverse_entry
from tests.factories import make_cohort, make_participant, make_user
from tests.ledger_helpers import book_draft


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch committed during the test."""
    sizes: list[int] = []
    commit_once = appender._commit_once

    async def counted(batch: list[appender._Pending]) -> list[object]:
        sizes.append(len(batch))
        return await commit_once(batch)

    monkeypatch.setattr(appender, "_commit_once", counted)
    return sizes


async def test_concurrent_appends_of_several_cohorts_share_transactions(app, batches):
    now = utcnow()
    cohorts = [await make_cohort() for _ in range(4)]
    members = [await make_participant(c, f"Membre {i}") for i, c in enumerate(cohorts)]
    drafts = [
        (c, m, book_draft("sale", 100 + i, now))
        for i in range(40)
        for c, m in [(cohorts[i % 4], members[i % 4])]
    ]

    done = await asyncio.gather(
        *[record_entry(c, d, principal=Principal(participant=m), now=now) for c, m, d in drafts]
    )

    assert all(r.created for r in done)
    assert sum(batches) == 40 and len(batches) < 40 and max(batches) > 1
    for cohort in cohorts:
        seqs = (
            await LedgerEntry.filter(cohort_id=cohort.id)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert list(seqs) == list(range(1, 11))
        assert (await LedgerHead.get(cohort_id=cohort.id)).seq == 10
        assert (await verify_chain(cohort.id)).ok
    # Each answer is the entry stored under its own id.
    for (_, _, draft), recorded in zip(drafts, done, strict=True):
        stored = await LedgerEntry.get(id=draft.id)
        assert (recorded.entry.seq, recorded.entry.hash) == (stored.seq, stored.hash)


async def test_one_batch_answers_each_append_on_its_own(app, batches):
    now = utcnow()
    open_cohort = await make_cohort()
    ended = await make_cohort()
    member = await make_participant(open_cohort, "Aïcha")
    late = await make_participant(ended, "Bilal")
    await Cohort.filter(id=ended.id).update(ends_at=now - timedelta(minutes=1))
    ended = await Cohort.get(id=ended.id)
    me, them = Principal(participant=member), Principal(participant=late)
    first = (await record_entry(open_cohort, book_draft("sale", 500, now), principal=me)).entry
    staff = Principal(user=await make_user("admin"))
    new = book_draft("sale", 700, now)
    batches.clear()

    results = await asyncio.gather(
        record_entry(open_cohort, new, principal=me, now=now),
        # The same id twice in one batch: the second is a replay of the first.
        record_entry(open_cohort, new, principal=me, now=now),
        # The same id with another amount: a conflict, not a second entry.
        record_entry(open_cohort, replace(new, amount_cents=701), principal=me, now=now),
        # A cohort past its end refuses, without failing the others.
        record_entry(ended, book_draft("sale", 300, now), principal=them, now=now),
        # Two corrections of one entry in the same batch: the second is refused.
        reverse_entry(open_cohort, first.id, Reversal(uuid.uuid4(), "Erreur"), principal=staff),
        reverse_entry(open_cohort, first.id, Reversal(uuid.uuid4(), "Erreur"), principal=staff),
        return_exceptions=True,
    )

    # The four sales share one batch; the corrections look their entry up first, then follow.
    assert batches[0] == 4 and sum(batches) == 6
    created, replayed, conflict, closed, corrected, twice = results
    assert created.created and not replayed.created and replayed.entry.id == new.id
    assert isinstance(conflict, DomainError) and conflict.code == "duplicate_id_conflict"
    assert isinstance(closed, DomainError) and closed.code == "cohort_closed"
    assert corrected.created and corrected.entry.reverses_id == first.id
    assert isinstance(twice, DomainError) and twice.code == "already_reversed"
    assert await LedgerEntry.filter(cohort_id=open_cohort.id).count() == 3
    assert await LedgerEntry.filter(cohort_id=ended.id).count() == 0
    assert (await verify_chain(open_cohort.id)).ok


async def test_a_failed_batch_fails_every_waiter_and_stores_nothing(app, monkeypatch):
    now = utcnow()
    cohort = await make_cohort()
    member = await make_participant(cohort)
    calls = {"n": 0}
    insert = batch_sql.insert_entries

    async def broken(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(batch_sql, "insert_entries", broken)
    drafts = [book_draft("sale", 100, now) for _ in range(3)]
    results = await asyncio.gather(
        *[record_entry(cohort, d, principal=Principal(participant=member)) for d in drafts],
        return_exceptions=True,
    )

    assert all(isinstance(r, OperationalError) for r in results)
    assert calls["n"] == appender.ATTEMPTS  # retried as a whole, then given up
    assert await LedgerEntry.filter(cohort_id=cohort.id).count() == 0
    assert await LedgerHead.filter(cohort_id=cohort.id).count() == 0

    monkeypatch.setattr(batch_sql, "insert_entries", insert)
    again = await record_entry(cohort, drafts[0], principal=Principal(participant=member))
    assert again.created and again.entry.seq == 1
