"""Benchmark of a closure (issue #13, target 4), against bare WeasyPrint in the same run.

    python bench/close_cohort.py [--members 30] [--entries 1500] [--load-seconds 8]

For each database (SQLite, and PostgreSQL when reachable) it builds, through the real
services, a 30-person cohort with its 7-day programme attended and chained books (5,000
entries for the issue's figure: `--entries 5000`; the default is smaller so that a run stays
under two minutes per database), plus a second cohort of 30 phones that keeps selling. Then,
each on a copy of that database:

- the whole closure in a process of its own, with a PDF pool of 1 and of 2 processes: its
  time, its certificates and report steps, and the peak memory of each rendering process;
- the baseline: bare WeasyPrint (`HTML(string).write_pdf()`, nothing shared) rendering the
  same documents — the certificates' and the report's HTML captured from the closure —
  one after another in one fresh process;
- sale POSTs with wrk to the other cohort against flashcoop_server, once idle and once while
  that server closes the big cohort (`POST /api/v1/cohorts/{id}/close`): p99 during / idle.

The targets: closure ≤ 1.25 × bare WeasyPrint; peak memory per rendering process ≤ 150 MB;
sale p99 during the closure ≤ 2 × idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from bench.closure_build import build
from bench.common import (
    PG_URL,
    Table,
    app_env,
    database_names,
    flashcoop_server,
    fresh_database,
    wrk,
)

HERE = Path(__file__).resolve()


def _phase(*args: str) -> dict[str, Any]:
    """Run one phase of this script in a fresh process (one database kind per process, and a
    clean memory figure for each); its last output line is a JSON document."""
    done = subprocess.run(
        [sys.executable, str(HERE), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_URL}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class Copies:
    """Copies of the built database, one per closure (a closure happens once per cohort)."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder, self.made = url, folder, []  # type: list[str]

    def new(self) -> str:
        if self.url.startswith("sqlite://"):
            source = Path(self.url.removeprefix("sqlite://"))
            target = self.folder / f"copy-{uuid.uuid4().hex[:6]}.sqlite3"
            shutil.copyfile(source, target)
            return f"sqlite://{target}"
        name = f"flashcoop_bench_copy_{uuid.uuid4().hex[:8]}"
        template = self.url.rsplit("/", 1)[1]
        asyncio.run(_pg(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.made.append(name)
        return f"{PG_URL}/{name}"

    def drop(self) -> None:
        for name in self.made:
            asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _sales_while(url: str, built: dict[str, Any], seconds: int, close: bool) -> tuple[Any, float]:
    """wrk sales to the selling cohort for `seconds`, the big cohort closed meanwhile when
    `close`: (wrk figures, seconds the closure took over HTTP, 0 when none)."""
    targets = [(f"/api/v1/cohorts/{built['sales_cohort']}/entries", t) for t in built["phones"]]
    took: list[float] = []

    def closing() -> None:
        started = time.perf_counter()
        answer = httpx.post(
            f"{url}/api/v1/cohorts/{built['cohort']}/close",
            headers={"Authorization": f"Bearer {built['staff']}"},
            timeout=600,
        )
        took.append(time.perf_counter() - started)
        assert answer.status_code == 200 and answer.json()["status"] == "closed", answer.text

    thread = threading.Thread(target=closing) if close else None
    if thread:
        thread.start()
    load = wrk(url, targets=targets, seconds=seconds)
    if thread:
        thread.join()
    return load, (took[0] if took else 0.0)


def measure(kind: str, members: int, entries: int, load_seconds: int) -> None:
    with fresh_database(kind) as (url, folder):
        started = time.perf_counter()
        built = _phase("--build", url, str(members), str(entries))
        build_s = time.perf_counter() - started
        copies = Copies(url, folder)
        try:
            html = folder / "html"
            one = _phase("--close", copies.new(), "1", str(html))
            bare = _phase("--bare", str(html))
            two = _phase("--close", copies.new(), "2", "")
            server_url = copies.new()
            env = app_env(server_url, folder, FLASHCOOP_PDF_WORKERS="2")
            with flashcoop_server(env) as app:
                idle, _ = _sales_while(app, built, load_seconds, close=False)
                busy, closure_http = _sales_while(
                    app, built, max(2, int(two["total"] * 0.9)), close=True
                )
        finally:
            copies.drop()

    table = Table(
        f"closure: {members} members, {one['entries']} entries, {kind} "
        f"(built in {build_s:.0f} s; {bare['documents']} PDFs)"
    )
    for label, run in (("pool of 1", one), ("pool of 2", two)):
        table.row(
            f"whole closure, {label} (s)",
            run["total"],
            bare["total"],
            unit="s",
            target="≤ 1.25×",
            ok=run["total"] <= 1.25 * bare["total"],
        )
        table.row(
            f"  certificates step, {label} (s)",
            run["steps"]["certificates"],
            bare["certificates"],
            unit="s",
        )
        table.row(
            f"  reports step, {label} (s)", run["steps"]["reports"], bare["reports"], unit="s"
        )
        table.row(
            f"  peak RSS per rendering process, {label}",
            run["peak_rss_mb"],
            bare["peak_rss_mb"],
            unit="MB",
            target="≤ 150 MB",
            ok=run["peak_rss_mb"] <= 150,
        )
    print(f"longest event-loop stall by step, pool of 2 (ms): {two['stalls_ms']}")
    faster = "pool of 2" if two["total"] < one["total"] else "pool of 1"
    print(f"faster: {faster} ({one['total']:.2f} s vs {two['total']:.2f} s)")
    table.row(
        "sale POST p99 during closure vs idle (ms)",
        busy.p99_ms,
        idle.p99_ms,
        unit="ms",
        target="≤ 2×",
        ok=busy.p99_ms <= 2 * idle.p99_ms,
    )
    table.row("sale POST req/s during closure vs idle", busy.rps, idle.rps, unit="/s")
    table.row(
        "closure over HTTP (pool of 2) vs in-process (s)", closure_http, two["total"], unit="s"
    )
    errors = idle.errors + busy.errors
    print(f"sale errors: {errors}; closure over HTTP took {closure_http:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--load-seconds", type=int, default=8)
    parser.add_argument("--build", nargs=3, metavar=("URL", "MEMBERS", "ENTRIES"))
    parser.add_argument("--close", nargs=3, metavar=("URL", "WORKERS", "HTML_DIR"))
    parser.add_argument("--bare", metavar="HTML_DIR")
    args = parser.parse_args()
    if args.build:
        url, count, entries = args.build
        print(json.dumps(asyncio.run(build(url, int(count), int(entries)))))
    elif args.close:
        from bench.closure_run import close

        url, workers, html = args.close
        print(json.dumps(asyncio.run(close(url, int(workers), Path(html) if html else None))))
    elif args.bare:
        from bench.closure_run import bare

        print(json.dumps(bare(Path(args.bare))))
    else:
        for kind in database_names():
            measure(kind, args.members, args.entries, args.load_seconds)


if __name__ == "__main__":
    main()
