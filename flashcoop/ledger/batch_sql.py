"""The statements of a batch of appends (ledger.appender), written once and prepared.

Built by the ORM, these few statements cost more CPU than everything else a sale does; here
their text is made once per dialect and batch size (see core.rawsql), the rows they read come
back as the same model objects the ORM would make, and the values they write go through the
fields' own `to_db_value`, as the ORM's inserts do.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from flashcoop.cohorts.models import Cohort
from flashcoop.core import rawsql
from flashcoop.ledger.models import LedgerEntry, LedgerHead

ENTRY, HEAD, COHORT = (rawsql.table(m) for m in (LedgerEntry, LedgerHead, Cohort))


@functools.cache
def _entry_fields() -> tuple[str, ...]:
    # Asked once the models are initialised: foreign keys' columns exist only from then on.
    return tuple(LedgerEntry._meta.fields_db_projection)


def _marks(count: int) -> str:
    return ",".join(["{}"] * count)


def _columns(model: type[Any]) -> str:
    return ",".join(f'"{c}"' for c in model._meta.fields_db_projection.values())


async def take_write_lock(conn: BaseDBAsyncClient, cohort_ids: Sequence[str]) -> None:
    """SQLite: a write first, so that this transaction holds the database's write lock."""
    n = len(cohort_ids)
    template = f'UPDATE {HEAD} SET "seq" = "seq" WHERE "cohort_id" IN ({_marks(n)})'  # noqa: S608
    await conn.execute_query(rawsql.statement(f"ledger.lock.{n}", template, conn), [*cohort_ids])


async def lock_cohorts(conn: BaseDBAsyncClient, cohort_ids: Sequence[str]) -> dict[str, Cohort]:
    """The cohorts, locked for the transaction on PostgreSQL (in id order: no deadlock)."""
    n = len(cohort_ids)
    lock = "" if conn.capabilities.dialect == "sqlite" else " FOR UPDATE"
    template = (
        f"SELECT {_columns(Cohort)} FROM {COHORT} "  # noqa: S608
        f'WHERE "id" IN ({_marks(n)}) ORDER BY "id"{lock}'
    )
    rows = await rawsql.fetch(f"ledger.cohorts.{n}", template, cohort_ids, conn)
    return {str(row["id"]): Cohort._init_from_db(**row) for row in rows}


async def stored_entries(conn: BaseDBAsyncClient, ids: Sequence[Any]) -> dict[Any, LedgerEntry]:
    """The entries already stored under these ids (replays, or ids taken meanwhile)."""
    n = len(ids)
    template = f'SELECT {_columns(LedgerEntry)} FROM {ENTRY} WHERE "id" IN ({_marks(n)})'  # noqa: S608
    rows = await rawsql.fetch(f"ledger.stored.{n}", template, [str(i) for i in ids], conn)
    entries = [LedgerEntry._init_from_db(**row) for row in rows]
    return {e.id: e for e in entries}


async def chain_heads(
    conn: BaseDBAsyncClient, cohort_ids: Sequence[str]
) -> dict[str, tuple[int, str]]:
    """(seq, hash) of each cohort's head (a cohort without entries has none)."""
    n = len(cohort_ids)
    template = (
        f'SELECT "cohort_id", "seq", "hash" FROM {HEAD} '  # noqa: S608
        f'WHERE "cohort_id" IN ({_marks(n)})'
    )
    rows = await rawsql.fetch(f"ledger.heads.{n}", template, cohort_ids, conn)
    return {str(row["cohort_id"]): (int(row["seq"]), str(row["hash"])) for row in rows}


async def insert_entries(conn: BaseDBAsyncClient, entries: Sequence[LedgerEntry]) -> None:
    """Every new entry of the batch in one INSERT."""
    fields = LedgerEntry._meta.fields_map
    names = _entry_fields()
    width = len(names)
    rows = ",".join(f"({_marks(width)})" for _ in entries)
    columns = ",".join(f'"{LedgerEntry._meta.fields_db_projection[f]}"' for f in names)
    template = f"INSERT INTO {ENTRY} ({columns}) VALUES {rows}"  # noqa: S608
    values = [
        fields[name].to_db_value(getattr(entry, name), entry) for entry in entries for name in names
    ]
    sql = rawsql.statement(f"ledger.insert.{len(entries)}", template, conn)
    await conn.execute_query(sql, values)


async def move_heads(conn: BaseDBAsyncClient, moves: dict[str, tuple[int, int, str]]) -> int:
    """Move each cohort's head from seq `old` to (`new`, `hash`) in one statement, each on the
    condition that it is still at `old`: the count of heads moved."""
    n = len(moves)
    # Casts: PostgreSQL types a bare parameter in a CASE as text.
    seq = " ".join(["WHEN {} THEN CAST({} AS INTEGER)"] * n)
    digest = " ".join(["WHEN {} THEN CAST({} AS VARCHAR(64))"] * n)
    still = " OR ".join(['("cohort_id" = {} AND "seq" = {})'] * n)
    template = (
        f'UPDATE {HEAD} SET "seq" = CASE "cohort_id" {seq} END, '  # noqa: S608
        f'"hash" = CASE "cohort_id" {digest} END WHERE {still}'
    )
    values: list[Any] = []
    for key, (_, new, _) in moves.items():
        values += [key, new]
    for key, (_, _, hash_) in moves.items():
        values += [key, hash_]
    for key, (old, _, _) in moves.items():
        values += [key, old]
    moved, _ = await conn.execute_query(
        rawsql.statement(f"ledger.heads.move.{n}", template, conn), values
    )
    return int(moved)
