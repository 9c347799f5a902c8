"""Tortoise configuration for sqlite:// and postgres:// URLs, and the migration entry point."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as tortoise_migrate

# Every module holding models. One Tortoise app, so foreign keys across domains stay plain.
MODEL_MODULES = [
    "flashcoop.accounts.models",
    "flashcoop.cohorts.models",
    "flashcoop.cohorts.workshop_models",
    "flashcoop.notify_models",
    "flashcoop.ledger.models",
]
APP_LABEL = "flashcoop"


def tortoise_config(database_url: str) -> dict[str, Any]:
    url = database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return {
        "connections": {"default": url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "flashcoop.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # The `tortoise` CLI (makemigrations) reads flashcoop.db.TORTOISE_ORM; resolve the settings
    # only then, so importing this module never creates ./var/.
    if name == "TORTOISE_ORM":
        from flashcoop.settings import Settings

        return tortoise_config(Settings.from_env().database_url)
    raise AttributeError(name)


async def init_db(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Apply the committed migrations; applying them twice changes nothing."""
    if database_url.startswith("sqlite://"):
        from pathlib import Path

        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


def dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)
