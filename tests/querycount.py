"""Count the SQL statements a piece of code sends to the database, on SQLite and PostgreSQL.

Counted at the driver, below Tortoise, so that nothing escapes: ORM queries, raw SQL through a
Tortoise client, and statements sent on a raw driver connection all count.

- SQLite: sqlite3's trace callback on each open connection, which the library calls for every
  statement it starts (also each statement of a script, and COMMIT).
- PostgreSQL: asyncpg's `Connection` and `PreparedStatement` methods through which every
  execution passes (extended protocol, simple-query `execute`, prepared statements, COPY).

    async with count_queries() as counted:
        await client.get(url)
    assert len(counted) <= 4, counted.report()

`len(counted)` counts queries; transaction control (BEGIN, COMMIT, SAVEPOINT...) is kept in
`counted.statements` but not counted as a query, as the two drivers send it differently. Nor is
the reset that asyncpg's pool sends each time a connection goes back to it (`counted.resets`):
a real round trip (one per query outside a transaction, with Tortoise's pool), but the pool's,
not the page's; nor aiosqlite's `SELECT last_insert_rowid()` after each INSERT, which PostgreSQL
answers within the INSERT itself.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections
from tortoise.backends.sqlite.client import SqliteClient

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END")
LAST_ROWID = "SELECT last_insert_rowid()"
_resetting = contextvars.ContextVar("resetting", default=False)


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)
    resets: int = 0

    @property
    def queries(self) -> list[str]:
        """The statements that read or write data (transaction control left out)."""
        return [
            s
            for s in self.statements
            if not s.lstrip().upper().startswith(CONTROL) and s != LAST_ROWID
        ]

    def __len__(self) -> int:
        return len(self.queries)

    def report(self) -> str:
        """The statements, one a line: what an assertion shows when a budget is exceeded."""
        lines = [f"{len(self)} queries ({self.resets} pool resets not counted):"]
        lines += [f"  {i}. {' '.join(q.split())[:300]}" for i, q in enumerate(self.queries, 1)]
        return "\n".join(lines)


def _record_sqlite(counted: QueryCount) -> Callable[[str], None]:
    def trace(statement: str) -> None:
        # Statements run by triggers come back as "-- <sql>": part of the statement counted.
        if not statement.startswith("--"):
            counted.statements.append(statement)

    return trace


@contextlib.asynccontextmanager
async def _sqlite(counted: QueryCount) -> AsyncIterator[None]:
    clients = [c for c in connections.all() if isinstance(c, SqliteClient)]
    for client in clients:
        if client._connection is None:
            await client.create_connection(with_db=True)
        await client._connection.set_trace_callback(_record_sqlite(counted))
    try:
        yield
    finally:
        for client in clients:
            if client._connection is not None:
                await client._connection.set_trace_callback(None)


@contextlib.contextmanager
def _asyncpg(counted: QueryCount) -> Iterator[None]:
    try:
        from asyncpg.connection import Connection
        from asyncpg.prepared_stmt import PreparedStatement
    except ImportError:  # asyncpg is optional: nothing to count on SQLite-only installs
        yield
        return

    def wrap(owner: type, name: str, query_of: Callable[..., str | None]) -> Any:
        original = getattr(owner, name)

        async def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
            query = query_of(self, *args, **kwargs)
            if query is not None and not _resetting.get():
                counted.statements.append(query)
            return await original(self, *args, **kwargs)

        setattr(owner, name, counting)
        return original

    def simple(self: Any, query: str, *args: Any, **kwargs: Any) -> str | None:
        # With arguments, execute() goes through _do_execute, counted there.
        return None if args else query

    original_reset = Connection.reset

    async def reset(self: Any, *args: Any, **kwargs: Any) -> Any:
        counted.resets += 1
        token = _resetting.set(True)
        try:
            return await original_reset(self, *args, **kwargs)
        finally:
            _resetting.reset(token)

    Connection.reset = reset  # type: ignore[method-assign]
    patches = [
        (Connection, "_do_execute", lambda self, query, *a, **k: query),
        (Connection, "execute", simple),
        (Connection, "copy_records_to_table", lambda self, table, **k: f"COPY {table}"),
        (Connection, "_copy_in", lambda self, stmt, *a, **k: stmt),
        (Connection, "_copy_out", lambda self, stmt, *a, **k: stmt),
        (
            PreparedStatement,
            "_PreparedStatement__do_execute",
            lambda self, *a, **k: self.get_query(),
        ),
    ]
    originals = [(owner, name, wrap(owner, name, query_of)) for owner, name, query_of in patches]
    try:
        yield
    finally:
        Connection.reset = original_reset  # type: ignore[method-assign]
        for owner, name, original in originals:
            setattr(owner, name, original)


@contextlib.asynccontextmanager
async def count_queries() -> AsyncIterator[QueryCount]:
    """Count the statements sent to any database connection while the block runs."""
    counted = QueryCount()
    async with _sqlite(counted):
        with _asyncpg(counted):
            yield counted
