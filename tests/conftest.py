"""A real database (SQLite file, or a fresh PostgreSQL database) and a fresh app per test.

FLASHCOOP_TEST_DATABASE chooses: unset or "sqlite" → an SQLite file; a postgres:// URL of a
server → a new database on it, created for this run and dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.contrib.test import truncate_all_models

from flashcoop.app import create_app
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.domains import house

TEST_DATABASE = os.environ.get("FLASHCOOP_TEST_DATABASE", "sqlite")
# Name the installed domains' models to the database and connect their receivers, as the
# app and the command line do at start-up.
house()


def _server_url(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/{name}"


async def _admin_execute(server_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_database(tmp_dir: Path) -> str:
    """A new, empty database URL for this kind of test run."""
    if TEST_DATABASE == "sqlite":
        return f"sqlite://{tmp_dir / ('db-' + secrets.token_hex(4) + '.sqlite3')}"
    name = "flashcoop_test_" + secrets.token_hex(6)
    asyncio.run(_admin_execute(_server_url(TEST_DATABASE, "postgres"), f'CREATE DATABASE "{name}"'))
    return _server_url(TEST_DATABASE, name)


def drop_database(url: str) -> None:
    if url.startswith("sqlite://"):
        return
    name = url.rsplit("/", 1)[1]
    asyncio.run(
        _admin_execute(
            _server_url(TEST_DATABASE, "postgres"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = create_database(tmp_path_factory.mktemp("db"))

    async def build() -> None:
        await db.init_db(url)
        await Tortoise.generate_schemas()
        await db.close_db()

    asyncio.run(build())
    yield url
    drop_database(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        base_url="http://testserver",
        scheduler=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with LifespanManager(application) as manager:
        await truncate_all_models()
        yield manager.app  # type: ignore[misc]


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def other_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser/phone, with its own cookies."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., "subprocess.CompletedProcess[str]"]


def cli_database_url(tmp_path: Path) -> str:
    """The SQLite database of the commands that `run_python` and `run_cli` run."""
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def run_python(tmp_path: Path) -> Run:
    """`python ARGS` as an operator's shell runs it, on a temporary SQLite database."""
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": cli_database_url(tmp_path),
        "FLASHCOOP_DATA_DIR": str(tmp_path),
        "FLASHCOOP_SECRET_KEY": "cli-test-" + "z" * 32,
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def run_cli(run_python: Run) -> Run:
    """`flashcoop ARGS`, as `run_python` runs it."""

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_python("-m", "flashcoop", *args, stdin=stdin)

    return run


async def race(script: str, *args: str, processes: int = 3) -> list[int]:
    """Run `python -c script ARGS` in several processes at once; the last line each printed
    (an integer: what that process did), for tests of what must happen exactly once."""

    async def one() -> int:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            *args,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()[-2000:]
        return int(out.decode().strip().splitlines()[-1])

    return list(await asyncio.gather(*[one() for _ in range(processes)]))
