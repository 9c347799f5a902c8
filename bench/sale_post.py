"""Benchmark of the sale POST against a bare Starlette endpoint, in the same run, with wrk.

    python bench/sale_post.py [--seconds 10] [--connections 32]

On each database (SQLite, and PostgreSQL when reachable): starts the bare baseline and
flashcoop (one uvicorn worker, scheduler off) in subprocesses, then loads them with wrk —
32 connections, every sale a new entry id with a phone's Bearer token — for one cohort with
30 phones, for 50 cohorts with 6 phones each, and for the latter again with 2 workers. Prints
each throughput with the baseline's and their ratio, the p99, and the errors; then checks what
the books hold: every acknowledged sale stored once, every chain verifying, no gap.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from common import (
    Load,
    Table,
    app_env,
    bare_server,
    bench_facilitator,
    each_database,
    flashcoop_server,
    fresh_database,
    open_schema,
    wrk,
)

RATIO_TARGET = 0.08
P99_TARGET_MS = 100.0


async def _prepare(database_url: str, shapes: list[tuple[int, int]]) -> list[list[tuple[str, str]]]:
    """For each (cohorts, phones) shape, that many live cohorts of that many members each:
    their (sale path, member's token) pairs."""

    from flashcoop.core import db

    await open_schema(database_url)
    try:
        user = await bench_facilitator()
        assert user.organisation_id is not None
        now = datetime.now(UTC)
        return [await _cohorts(user, now, *shape) for shape in shapes]
    finally:
        await db.close_db()


async def _cohorts(user: Any, now: datetime, cohorts: int, phones: int) -> list[tuple[str, str]]:
    from flashcoop.accounts.services import create_token
    from flashcoop.cohorts.joining import JoinRequest, join_cohort
    from flashcoop.cohorts.launch import CohortDraft, create_cohort
    from flashcoop.core.principal import Principal

    targets = []
    for c in range(cohorts):
        draft = CohortDraft(
            name=f"Bench {cohorts}-{c}",
            activity="Bench",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=2),
            structure_id=user.organisation_id,
        )
        cohort = await create_cohort(draft, principal=Principal(user=user))
        path = f"/api/v1/cohorts/{cohort.id}/entries"
        for p in range(phones):
            member, _ = await join_cohort(
                JoinRequest(cohort.join_code, f"Phone {p}", "1234"),
                client="bench",
                max_failures=10_000,
            )
            targets.append((path, await create_token(participant=member)))
    return targets


async def _books(database_url: str) -> tuple[int, bool]:
    """(entries stored, every chain verifies with a gapless sequence)."""
    from flashcoop.cohorts.models import Cohort
    from flashcoop.core import db
    from flashcoop.domains import house
    from flashcoop.ledger.chain import verify_chain
    from flashcoop.ledger.models import LedgerEntry

    house()
    await db.init_db(database_url)
    try:
        ok = True
        for cohort_id in await Cohort.all().values_list("id", flat=True):
            ok = ok and (await verify_chain(cohort_id)).ok
        return await LedgerEntry.all().count(), ok
    finally:
        await db.close_db()


def _report(table: Table, name: str, load: Load, bare: Load) -> int:
    ratio = load.rps / bare.rps
    ok = ratio >= RATIO_TARGET and load.p99_ms <= P99_TARGET_MS and load.errors == 0
    table.row(f"{name}: sales/s", load.rps, bare.rps, unit="req/s", target="≥ 0.080", ok=ok)
    table.row(
        f"{name}: p99 (errors {load.errors})",
        load.p99_ms,
        bare.p99_ms,
        unit="ms",
        target="≤ 100 ms",
        ok=load.p99_ms <= P99_TARGET_MS,
    )
    table.row(f"{name}: server CPU per sale", load.cpu_ms, bare.cpu_ms, unit="ms")
    return load.requests


def run(kind: str, seconds: int, connections: int) -> None:
    table = Table(f"sale POST, wrk {connections} connections, {seconds} s each, {kind}")
    acknowledged = 0
    with fresh_database(kind) as (database_url, data_dir):
        one, spread = asyncio.run(_prepare(database_url, [(1, 30), (50, 6)]))
        env = app_env(database_url, data_dir)
        with bare_server() as bare_url:
            bare = wrk(bare_url, connections=connections, seconds=seconds)
        table.row("bare Starlette plain text: req/s", bare.rps, None, unit="req/s")
        with flashcoop_server(env) as url:
            for name, targets in [("1 cohort × 30 phones", one), ("50 cohorts × 6 phones", spread)]:
                load = wrk(url, targets=targets, connections=connections, seconds=seconds)
                acknowledged += _report(table, name, load, bare)
        with flashcoop_server(env, "--workers", "2") as url:
            load = wrk(url, targets=spread, connections=connections, seconds=seconds)
            acknowledged += _report(table, "50 cohorts × 6 phones, 2 workers", load, bare)
        stored, chains_ok = asyncio.run(_books(database_url))
    # wrk stops with requests in flight: those may be stored without being counted.
    print(
        f"books: {stored} entries stored for {acknowledged} acknowledged, "
        f"every chain verifies: {chains_ok}"
    )
    if stored < acknowledged or not chains_ok:
        raise SystemExit("the books do not hold what was acknowledged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="only this one")
    args = parser.parse_args()
    for kind in each_database(sys.argv[1:]):
        run(kind, args.seconds, args.connections)


if __name__ == "__main__":
    main()
