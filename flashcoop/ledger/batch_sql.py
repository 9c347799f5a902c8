"""The statements of a batch of appends (ledger.appender), written once and prepared.

Built by the ORM, these few statements cost more CPU than everything else a sale does; here
their text is made once (see core.rawsql), the rows they read come back as the same model
objects the ORM would make, and the values they write go through the fields' own
`to_db_value`, as the ORM's inserts do. On PostgreSQL a batch's ids travel as arrays, so each
statement has one text whatever the batch's size and stays prepared on every connection (a
text per size would overflow asyncpg's statement cache and be planned again and again); SQLite
takes one parameter per id.
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


# PostgreSQL array types of the entry's fields (by field class), for the batch's arrays.
_PG_TYPES = {
    "UUIDField": "uuid",
    "IntField": "integer",
    "BigIntField": "bigint",
    "CharField": "text",
    "DatetimeField": "timestamptz",
}


def _marks(count: int) -> str:
    return ",".join(["{}"] * count)


def _sqlite(conn: BaseDBAsyncClient) -> bool:
    return bool(conn.capabilities.dialect == "sqlite")


def _among(
    conn: BaseDBAsyncClient, column: str, values: Sequence[Any], pg_type: str
) -> tuple[str, str, list[Any]]:
    """`column` is one of `values`: (SQL condition, statement name suffix, parameters)."""
    if _sqlite(conn):
        return f'"{column}" IN ({_marks(len(values))})', str(len(values)), list(values)
    return f'"{column}" = ANY({{}}::{pg_type}[])', "any", [list(values)]


def _columns(model: type[Any]) -> str:
    return ",".join(f'"{c}"' for c in model._meta.fields_db_projection.values())


async def take_write_lock(conn: BaseDBAsyncClient, cohort_ids: Sequence[str]) -> None:
    """SQLite: a write first, so that this transaction holds the database's write lock."""
    n = len(cohort_ids)
    template = f'UPDATE {HEAD} SET "seq" = "seq" WHERE "cohort_id" IN ({_marks(n)})'  # noqa: S608
    await conn.execute_query(rawsql.statement(f"ledger.lock.{n}", template, conn), [*cohort_ids])


async def lock_cohorts(conn: BaseDBAsyncClient, cohort_ids: Sequence[str]) -> dict[str, Cohort]:
    """The cohorts, locked for the transaction on PostgreSQL (in id order: no deadlock)."""
    where, size, values = _among(conn, "id", cohort_ids, "uuid")
    lock = "" if _sqlite(conn) else " FOR UPDATE"
    template = f'SELECT {_columns(Cohort)} FROM {COHORT} WHERE {where} ORDER BY "id"{lock}'  # noqa: S608
    rows = await rawsql.fetch(f"ledger.cohorts.{size}", template, values, conn)
    return {str(row["id"]): Cohort._init_from_db(**row) for row in rows}


async def stored_entries(conn: BaseDBAsyncClient, ids: Sequence[Any]) -> dict[Any, LedgerEntry]:
    """The entries already stored under these ids (replays, or ids taken meanwhile)."""
    where, size, values = _among(conn, "id", [str(i) for i in ids], "uuid")
    template = f"SELECT {_columns(LedgerEntry)} FROM {ENTRY} WHERE {where}"  # noqa: S608
    rows = await rawsql.fetch(f"ledger.stored.{size}", template, values, conn)
    entries = [LedgerEntry._init_from_db(**row) for row in rows]
    return {e.id: e for e in entries}


async def chain_heads(
    conn: BaseDBAsyncClient, cohort_ids: Sequence[str]
) -> dict[str, tuple[int, str]]:
    """(seq, hash) of each cohort's head (a cohort without entries has none)."""
    where, size, values = _among(conn, "cohort_id", cohort_ids, "uuid")
    template = f'SELECT "cohort_id", "seq", "hash" FROM {HEAD} WHERE {where}'  # noqa: S608
    rows = await rawsql.fetch(f"ledger.heads.{size}", template, values, conn)
    return {str(row["cohort_id"]): (int(row["seq"]), str(row["hash"])) for row in rows}


async def insert_entries(conn: BaseDBAsyncClient, entries: Sequence[LedgerEntry]) -> None:
    """Every new entry of the batch in one INSERT."""
    fields = LedgerEntry._meta.fields_map
    names = _entry_fields()
    columns = ",".join(f'"{LedgerEntry._meta.fields_db_projection[f]}"' for f in names)
    rows = [[fields[n].to_db_value(getattr(e, n), e) for n in names] for e in entries]
    if _sqlite(conn):
        marks = ",".join(f"({_marks(len(names))})" for _ in entries)
        template = f"INSERT INTO {ENTRY} ({columns}) VALUES {marks}"  # noqa: S608
        name, values = f"ledger.insert.{len(entries)}", [v for row in rows for v in row]
    else:
        arrays = ",".join(f"{{}}::{_PG_TYPES[type(fields[n]).__name__]}[]" for n in names)
        template = f"INSERT INTO {ENTRY} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
        name, values = "ledger.insert.any", [list(column) for column in zip(*rows, strict=True)]
    await conn.execute_query(rawsql.statement(name, template, conn), values)


async def move_heads(conn: BaseDBAsyncClient, moves: dict[str, tuple[int, int, str]]) -> int:
    """Move each cohort's head from seq `old` to (`new`, `hash`) in one statement, each on the
    condition that it is still at `old`: the count of heads moved."""
    if not _sqlite(conn):
        template = (
            f'UPDATE {HEAD} AS "h" SET "seq" = "v"."new", "hash" = "v"."hash" '  # noqa: S608
            "FROM unnest({}::uuid[], {}::integer[], {}::integer[], {}::text[]) "
            'AS "v"("cohort_id", "old", "new", "hash") '
            'WHERE "h"."cohort_id" = "v"."cohort_id" AND "h"."seq" = "v"."old"'
        )
        keys = list(moves)
        values: list[Any] = [
            keys,
            [moves[k][0] for k in keys],
            [moves[k][1] for k in keys],
            [moves[k][2] for k in keys],
        ]
        moved, _ = await conn.execute_query(rawsql.statement("ledger.move", template, conn), values)
        return int(moved)
    n = len(moves)
    seq = " ".join(["WHEN {} THEN {}"] * n)
    digest = " ".join(["WHEN {} THEN {}"] * n)
    still = " OR ".join(['("cohort_id" = {} AND "seq" = {})'] * n)
    template = (
        f'UPDATE {HEAD} SET "seq" = CASE "cohort_id" {seq} END, '  # noqa: S608
        f'"hash" = CASE "cohort_id" {digest} END WHERE {still}'
    )
    values = []
    for key, (_, new, _) in moves.items():
        values += [key, new]
    for key, (_, _, hash_) in moves.items():
        values += [key, hash_]
    for key, (old, _, _) in moves.items():
        values += [key, old]
    sql = rawsql.statement(f"ledger.heads.move.{n}", template, conn)
    moved, _ = await conn.execute_query(sql, values)
    return int(moved)
