"""Hot-path SQL written once, read back into model objects: no query building per request.

Tortoise builds every query anew through pypika — for a three-table join that is most of a
sale's CPU time. A statement that runs on every request is written here once per dialect,
its text cached, and its rows turned into models with `Model._init_from_db`, the very
constructor the ORM uses for its own rows (same conversions, same objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

_cache: dict[tuple[str, str], str] = {}


def connection() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


def columns(model: type[Model], alias: str) -> str:
    """Every column of `model` from table alias `alias`, each named "alias.column"."""
    return ",".join(
        f'"{alias}"."{column}" AS "{alias}.{column}"'
        for column in model._meta.fields_db_projection.values()
    )


def statement(name: str, template: str, conn: BaseDBAsyncClient) -> str:
    """`template` with its `{}` placeholders in the connection's style, built once per dialect."""
    dialect = conn.capabilities.dialect
    key = (name, dialect)
    if key not in _cache:
        count = template.count("{}")
        marks = ["?"] * count if dialect == "sqlite" else [f"${i + 1}" for i in range(count)]
        _cache[key] = template.format(*marks)
    return _cache[key]


def model_from(row: dict[str, Any], model: type[Model], alias: str) -> Model | None:
    """The `alias` part of a joined row as a `model` object (None when the join found none)."""
    projection = model._meta.fields_db_projection.values()
    values = {column: row[f"{alias}.{column}"] for column in projection}
    if values[model._meta.db_pk_column] is None:
        return None
    return model._init_from_db(**values)


async def fetch(
    name: str, template: str, values: Sequence[Any], conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    conn = conn or connection()
    return list(await conn.execute_query_dict(statement(name, template, conn), list(values)))
