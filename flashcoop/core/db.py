"""Tortoise configuration for sqlite:// and postgres:// URLs, and the migration entry point.

The kernel does not know which modules of the domains hold models: the shell tells it once
at start-up (`use_models`, from the installed domains). One Tortoise app, so foreign keys
across domains stay plain.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.migrations.api.migrate import migrate as tortoise_migrate

from flashcoop.core.errors import DomainError
from flashcoop.core.i18n import gettext
from flashcoop.core.settings import Settings

APP_LABEL = "flashcoop"
# The kernel's own tables (stored files), before those of the installed domains.
KERNEL_MODELS = ("flashcoop.core.storage", "flashcoop.core.sessions")
_model_modules: list[str] = []


def use_models(modules: Sequence[str]) -> None:
    """Name the modules that hold models (the installed domains', in order)."""
    _model_modules[:] = [*KERNEL_MODELS, *modules]


def tortoise_config(database_url: str) -> dict[str, Any]:
    if not _model_modules:
        raise RuntimeError("no model modules: load the installed domains first")
    url = database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    connection: str | dict[str, Any] = url
    if url.startswith("postgres://"):
        connection = expand_db_url(url)
        connection["credentials"]["reset"] = _release
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": list(_model_modules),
                "default_connection": "default",
                "migrations": "flashcoop.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _release(conn: Any) -> None:
    """What a PostgreSQL connection goes through on its way back to the pool.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL` each time — one more round trip for every query made outside a transaction, the
    token lookup of every sale among them. flashcoop leaves no session state behind (no SET,
    LISTEN, advisory lock nor cursor outlives a query), so only an unfinished transaction,
    which should never happen, is undone here.
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def init_db(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Apply the committed migrations; applying them twice changes nothing."""
    if database_url.startswith("sqlite://"):
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


# Names of driver errors that mean "the server is not there" (asyncpg is optional, so its
# classes are recognised by name rather than imported).
_UNAVAILABLE_NAMES = {
    "ConnectionDoesNotExistError",
    "InterfaceError",
    "CannotConnectNowError",
    "ConnectionFailureError",
    "AdminShutdownError",
    "TooManyConnectionsError",
    # asyncpg's "cannot switch to state …; another operation is in progress": a pooled
    # connection whose server end was killed in the middle of a query, handed out again.
    "InternalClientError",
}
_UNAVAILABLE_WORDS = ("connection", "closed", "locked", "terminat", "could not connect")


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database cannot be reached right now."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, DBConnectionError | ConnectionError | TimeoutError):
            return True
        if isinstance(seen, OSError) or type(seen).__name__ in _UNAVAILABLE_NAMES:
            return True
        if isinstance(seen, OperationalError) and any(
            word in str(seen).lower() for word in _UNAVAILABLE_WORDS
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)


def print_error(exc: DomainError) -> int:
    """A refused command: its message (and fields) on stderr, exit code 2."""
    message = exc.text.render(gettext)
    fields = getattr(exc, "fields", {})
    details = "; ".join(f"{k}: {v.render(gettext)}" for k, v in fields.items())
    print(f"error: {message} {details}".rstrip(), file=sys.stderr)
    return 2


async def with_db(
    settings: Settings, work: Callable[[], Awaitable[int]], *, migrate_first: bool = True
) -> int:
    """Run a command's work against the database: migrated, opened, always closed."""
    if migrate_first:
        await migrate(settings.database_url)
    await init_db(settings.database_url)
    try:
        return await work()
    except DomainError as exc:
        return print_error(exc)
    finally:
        await close_db()
