"""Ledger summary of a 5,000-entry cohort: queries, server time, and how it holds at 1M entries.

On each database: one cohort with 5,000 entries; the summary's p50 server time (in-process,
`ledger_summary` called directly) beside the baseline, one query that reads the cohort's 5,000
amounts (the least any summary computed from the rows costs: the same rows through the same
driver, without grouping). Then 499 more cohorts and 995,000 more entries, another 5,000-entry
cohort among them with its rows interleaved with the others' (as concurrent markets write
them), and the same summaries again against the first figure (target: no more than 2×).

Rows are bulk-loaded (SQLite: executemany in one transaction; PostgreSQL: COPY), with valid
fields but a dummy chain: a summary does not read it.

    .venv/bin/python bench/ledger_summary.py [--entries 5000] [--total 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from common import Table, database_names, fresh_database
from tortoise import Tortoise

from flashcoop.accounts.services import create_user
from flashcoop.cohorts.joining import join_cohort, read_join
from flashcoop.cohorts.launch import create_cohort, read_cohort
from flashcoop.cohorts.models import Cohort
from flashcoop.core import db
from flashcoop.core.principal import Principal
from flashcoop.domains import house
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.reports import ledger_summary
from tests.querycount import count_queries

COLUMNS = (
    "id",
    "cohort_id",
    "seq",
    "kind",
    "book",
    "amount_cents",
    "quantity",
    "label",
    "payment_method",
    "participant_id",
    "author_id",
    "recorded_by_id",
    "reverses_id",
    "reason",
    "occurred_at",
    "recorded_at",
    "local_day",
    "prev_hash",
    "hash",
)
LABELS = ("Jus d'orange", "Panier", "Cookie", "Confiture", "Café", "Tarte", "Savon", "Bouquet")
METHODS = ("cash", "card", "transfer", "other")
MEMBERS = 12
OTHERS = 498  # cohorts beside the two measured ones: 500 in all
BURST = 20  # rows a cohort writes before another's come in, in the interleaved fill


async def _cohort(user: Any, name: str, now: datetime) -> tuple[Cohort, list[Any]]:
    principal = Principal(user=user)
    data = {
        "name": name,
        "activity": "Épicerie",
        "starts_at": (now - timedelta(days=10)).isoformat(),
        "ends_at": (now + timedelta(days=10)).isoformat(),
    }
    draft = await read_cohort(data, principal=principal, default_timezone="Europe/Paris", now=now)
    cohort = await create_cohort(draft, principal=principal)
    people = []
    for i in range(MEMBERS):
        join = read_join({"code": cohort.join_code, "display_name": f"M{i}", "pin": "1234"})
        person, _ = await join_cohort(join, client="bench", max_failures=10_000)
        people.append(person.id)
    return cohort, people


async def _bare_cohorts(template: Cohort, count: int) -> list[uuid.UUID]:
    """Cohorts with nothing but their row: the other books of a busy database."""
    rows = [
        Cohort(
            id=uuid.uuid4(),
            structure_id=template.structure_id,
            created_by_id=template.created_by_id,
            name=f"Cohorte {i}",
            activity="Épicerie",
            starts_at=template.starts_at,
            ends_at=template.ends_at,
            join_code=f"B{i:09d}",
        )
        for i in range(count)
    ]
    await Cohort.bulk_create(rows, batch_size=500)
    return [c.id for c in rows]


@dataclass(frozen=True)
class Clock:
    """The moment and local day of each seq, computed once for every cohort (they all start
    together), in the driver's form: text for SQLite, objects for asyncpg."""

    at: list[Any]
    day: list[str]
    text: bool

    @classmethod
    def make(cls, start: datetime, count: int, *, text: bool) -> Clock:
        moments = [start + timedelta(minutes=3 * seq) for seq in range(count + 1)]
        days = [(m + timedelta(hours=1)).date().isoformat() for m in moments]
        return cls([str(m) for m in moments] if text else moments, days, text)


def _rows(
    cohort_id: uuid.UUID, members: list[Any], user_id: int, clock: Clock, count: int
) -> Iterator[tuple[Any, ...]]:
    """`count` entries of one cohort: sales by its members (one in 25 reversed), some
    expenses, over 10 days."""
    key: Any = str(cohort_id) if clock.text else cohort_id
    people: list[Any] = [str(m) for m in members] if clock.text else members
    bits = random.getrandbits
    for seq in range(1, count + 1):
        if seq % 25 == 0:
            kind, book, amount, qty = "reversal", "sale", -250, -1
        elif seq % 10 == 0:
            kind, book, amount, qty = "expense", "expense", 1500 + seq % 700, 1
        else:
            kind, book, amount, qty = "sale", "sale", 100 + seq % 900, 1 + seq % 3
        member = people[seq % len(people)] if people and book == "sale" else None
        entry_id = uuid.UUID(int=bits(128))  # random like uuid4, without a system call each
        at = clock.at[seq]
        yield (
            str(entry_id) if clock.text else entry_id,
            key,
            seq,
            kind,
            book,
            amount,
            qty,
            LABELS[seq % len(LABELS)],
            METHODS[seq % 7 % len(METHODS)],
            member,
            member,
            None if member else user_id,
            None,
            "",
            at,
            at,
            clock.day[seq],
            "0" * 64,
            "f" * 64,
        )


def _interleave(streams: list[Iterator[tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
    while streams:
        alive = []
        for stream in streams:
            burst = [row for _, row in zip(range(BURST), stream, strict=False)]
            yield from burst
            if len(burst) == BURST:
                alive.append(stream)
        streams = alive


async def _load(kind: str, rows: Iterator[tuple[Any, ...]]) -> None:
    client = Tortoise.get_connection("default")
    if kind == "sqlite":
        marks = ",".join("?" * len(COLUMNS))
        sql = f"INSERT INTO ledger_entry ({','.join(COLUMNS)}) VALUES ({marks})"

        # A bigger page cache for the load only: the random ids' index would thrash the default.
        await client.execute_script("PRAGMA cache_size = -400000")
        await client.execute_many(sql, list(rows))
    else:
        async with client.acquire_connection() as conn:
            await conn.copy_records_to_table("ledger_entry", records=rows, columns=COLUMNS)
            # What autovacuum does after a bulk load in production: fresh planner statistics.
            await conn.execute("VACUUM ANALYZE ledger_entry")


async def _p50(work: Callable[[], Awaitable[Any]], runs: int) -> float:
    for _ in range(3):
        await work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def _measure(cohort_id: uuid.UUID, runs: int) -> tuple[float, float, int]:
    """(summary p50 ms, baseline p50 ms, queries per summary)."""
    client = Tortoise.get_connection("default")
    key = str(cohort_id) if client.capabilities.dialect == "sqlite" else cohort_id
    mark = "?" if client.capabilities.dialect == "sqlite" else "$1"
    amounts = f"SELECT amount_cents FROM ledger_entry WHERE cohort_id = {mark}"
    summary = await _p50(lambda: ledger_summary(cohort_id, "EUR"), runs)
    baseline = await _p50(lambda: client.execute_query(amounts, [key]), runs)
    async with count_queries() as counted:
        await ledger_summary(cohort_id, "EUR")
    return summary, baseline, len(counted)


async def run(kind: str, url: str, args: argparse.Namespace, table: Table) -> None:
    await db.init_db(url)
    try:
        await Tortoise.generate_schemas()
        now = datetime.now(UTC)
        longest = max(args.entries, (args.total - 2 * args.entries) // OTHERS + 1)
        clock = Clock.make(now - timedelta(days=10), longest, text=kind == "sqlite")
        user = await create_user(
            email="bench@example.org",
            role="facilitator",
            password="bench password 1",
            name="Bench",
            organisation="CAE Bench",
        )
        first, members = await _cohort(user, "Première", now)
        began = time.perf_counter()
        await _load(kind, _rows(first.id, members, user.id, clock, args.entries))
        loaded = time.perf_counter() - began
        small, base, queries = await _measure(first.id, args.runs)
        table.row(
            f"{kind}: summary p50, {args.entries:,} entries (ms)",
            small,
            base,
            unit="ms",
            target="≤ 35 ms",
            ok=small <= 35,
        )
        table.row(
            f"{kind}: queries per summary", queries, None, unit="q", target="≤ 4", ok=queries <= 4
        )

        second, others_members = await _cohort(user, "Seconde", now)
        others = await _bare_cohorts(first, OTHERS)
        rest = args.total - 2 * args.entries
        each = rest // len(others)
        streams = [_rows(second.id, others_members, user.id, clock, args.entries)]
        streams += [
            _rows(cid, [], user.id, clock, each + (1 if i < rest % len(others) else 0))
            for i, cid in enumerate(others)
        ]
        began = time.perf_counter()
        await _load(kind, _interleave(streams))
        loaded += time.perf_counter() - began
        total = await LedgerEntry.all().count()
        cohorts = await Cohort.all().count()
        for name, cohort_id in (("contiguous", first.id), ("interleaved", second.id)):
            big, big_base, queries = await _measure(cohort_id, args.runs)
            table.row(
                f"{kind}: summary p50, {cohorts} cohorts/{total / 1e6:.1f}M, {name} (ms)",
                big,
                small,
                unit="ms",
                target="≤ 2×",
                ok=big <= 2 * small and queries <= 4,
            )
            table.row(
                f"{kind}:   baseline (read 5,000 amounts) there (ms)",
                big_base,
                base,
                unit="ms",
            )
        print(f"  ({kind}: {total:,} entries loaded in {loaded:.1f} s)")
    finally:
        await db.close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000, help="entries of a measured cohort")
    parser.add_argument("--total", type=int, default=1_000_000, help="entries in the database")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure")
    parser.add_argument("--database", help="sqlite or postgres (default: each, in turn)")
    args = parser.parse_args()
    if args.database is None:
        # One process per database: Tortoise's model classes cannot switch from one to another.
        for kind in database_names():
            subprocess.run([sys.executable, *sys.argv, "--database", kind], check=True)
        return
    house()
    table = Table(f"Ledger summary on {args.database}: queries and server time (in-process)")
    with fresh_database(args.database) as (url, _):
        asyncio.run(run(args.database, url, args, table))


if __name__ == "__main__":
    main()
