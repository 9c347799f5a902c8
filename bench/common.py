"""What every bench script shares: fresh databases, servers in subprocesses, wrk, the table.

Every figure is printed beside a baseline measured in the same run (the machines are noisy),
as `figure  value  baseline  ratio  target  verdict`. The load generator is wrk (Debian's
`wrk`, installed by `make setup`); it shares the machine's cores with
the servers, as an outside client on the same host would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flashcoop.devserver import free_port, running, uvicorn_command  # noqa: E402

PG_URL = os.environ.get("FLASHCOOP_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_post.lua"
SECRET = "bench-" + "k" * 40


def machine() -> str:
    return f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}"


def database_names() -> list[str]:
    """`sqlite` and `postgres` (when reachable), or what FLASHCOOP_BENCH_DATABASES says."""
    wanted = os.environ.get("FLASHCOOP_BENCH_DATABASES")
    if wanted:
        return wanted.split(",")
    found = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False)
    return ["sqlite", "postgres"] if found.returncode == 0 else ["sqlite"]


def each_database(argv: list[str]) -> list[str]:
    """The databases this run measures, each in a process of its own: Tortoise caches SQL per
    model in the dialect it first met, so one process must never touch two kinds of database.
    Called with `--database KIND` (as the children are) it answers [KIND]; otherwise it runs
    the script again once per database and answers []."""
    if "--database" in argv:
        return [argv[argv.index("--database") + 1]]
    for kind in database_names():
        subprocess.run([sys.executable, sys.argv[0], *argv, "--database", kind], check=True)
    return []


@contextlib.contextmanager
def fresh_database(kind: str) -> Iterator[tuple[str, Path]]:
    """(database URL, data folder) of a new empty database, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="flashcoop-bench-"))
    name = f"flashcoop_bench_{uuid.uuid4().hex[:10]}"
    try:
        if kind == "sqlite":
            yield f"sqlite://{folder / 'bench.sqlite3'}", folder
        else:
            asyncio.run(_postgres("CREATE", name))
            try:
                yield f"{PG_URL}/{name}", folder
            finally:
                asyncio.run(_postgres("DROP", name))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _postgres(verb: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_URL}/postgres")
    try:
        extra = " WITH (FORCE)" if verb == "DROP" else ""
        await conn.execute(f'{verb} DATABASE "{name}"{extra}')
    finally:
        await conn.close()


def app_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": database_url,
        "FLASHCOOP_DATA_DIR": str(data_dir),
        "FLASHCOOP_SECRET_KEY": SECRET,
        "FLASHCOOP_SCHEDULER": "off",
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


@contextlib.contextmanager
def flashcoop_server(env: dict[str, str], *extra: str) -> Iterator[str]:
    """flashcoop under uvicorn (one worker unless `extra` says otherwise): its base URL."""
    port = free_port()
    command = uvicorn_command("flashcoop.app:create_app", port, *extra)
    url = ServerUrl(f"http://127.0.0.1:{port}")
    with running(command, url=url + "/healthz", env=env, cwd=ROOT) as process:
        url.pid = process.pid
        yield url


@contextlib.contextmanager
def bare_server() -> Iterator[str]:
    """The baseline: a bare Starlette plain-text endpoint under the same uvicorn."""
    port = free_port()
    command = uvicorn_command("bench.baseline:app", port)
    url = ServerUrl(f"http://127.0.0.1:{port}")
    with running(command, url=url + "/", env=app_env("", Path(".")), cwd=ROOT) as process:
        url.pid = process.pid
        yield url


async def open_schema(database_url: str) -> None:
    """Connect to the new database with the installed domains' models and create their tables
    (the caller closes it with `flashcoop.core.db.close_db`)."""
    from tortoise import Tortoise

    from flashcoop.core import db
    from flashcoop.domains import house

    house()  # the installed domains: their models and signal receivers
    await db.init_db(database_url)
    await Tortoise.generate_schemas()


def bench_settings(database_url: str, data_dir: Path = Path("."), **extra: Any) -> Any:
    """The settings of an in-process bench: this database, no scheduler."""
    from flashcoop.core.settings import Settings

    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=SECRET,
        base_url="http://bench.example",
        scheduler=False,
        **extra,
    )


async def bench_facilitator() -> Any:
    """The facilitator every bench's cohorts belong to."""
    from flashcoop.accounts.services import create_user

    return await create_user(
        email="bench@example.org",
        role="facilitator",
        password="bench-password-123",
        organisation="Bench",
    )


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float = 0.0  # server CPU time per request (0 when the server's pid is unknown)


class ServerUrl(str):
    """A server's base URL that also knows the server's process id (for its CPU time)."""

    pid: int


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def wrk(
    base_url: str,
    *,
    targets: list[tuple[str, str]] | None = None,
    connections: int = 32,
    seconds: int = 10,
    threads: int = 2,
    path: str = "/",
) -> Load:
    """Load `base_url` with wrk: GET `path` when `targets` is None, else POST a new sale to
    each (path, bearer token) in turn, every request with a fresh entry id. The CPU time of the
    server (`base_url.pid` and its children, when known) is shared out per request."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run make setup (it installs Debian's wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        for target, token in targets or []:
            listing.write(f"{target} {token}\n")
    env = {
        **os.environ,
        "FLASHCOOP_WRK_TARGETS": listing.name if targets else "",
        "FLASHCOOP_WRK_PATH": path,
    }
    pid = getattr(base_url, "pid", None)
    cpu_before = cpu_seconds(pid) if pid else 0.0
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        base_url + "/",
    ]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(listing.name)
    cpu = cpu_seconds(pid) - cpu_before if pid else 0.0
    line = next(x for x in done.stdout.splitlines() if x.startswith("{"))
    figures: dict[str, Any] = json.loads(line)
    return Load(
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        requests=figures["requests"],
        errors=figures["errors"],
        cpu_ms=cpu * 1000 / max(1, figures["requests"]),
    )


@dataclass
class Table:
    """The figures of one bench script, each beside its baseline, printed as they come."""

    title: str

    def __post_init__(self) -> None:
        print(f"\n{self.title} — {machine()}")
        print(f"{'figure':<52}{'value':>12}{'baseline':>12}{'ratio':>8}  {'target':<10}verdict")
        sys.stdout.flush()

    def row(
        self,
        figure: str,
        value: float,
        baseline: float | None,
        *,
        unit: str,
        target: str = "",
        ok: bool | None = None,
    ) -> None:
        ratio = f"{value / baseline:.3f}" if baseline else "-"
        base = f"{baseline:,.1f}" if baseline is not None else "-"
        verdict = "" if ok is None else ("met" if ok else "MISSED")
        print(
            f"{figure:<52}{f'{value:,.1f} {unit}':>12}{base:>12}{ratio:>8}  {target:<10}{verdict}"
        )
        sys.stdout.flush()
