"""Benchmark of the public pages (issue #13, target 5), each against a baseline in the run.

    python bench/pages.py [--seconds 8] [--connections 8] [--starts 3]

- The certificate verification page (`/verify/{id}`, what an employer's phone opens from the
  QR code) with wrk against flashcoop under uvicorn, beside a bare Starlette GET / under the
  same uvicorn: p50 (target ≤ 20 ms) and requests per second. 8 connections by default: a
  latency figure, not a saturation one (the sale bench saturates).
- Start-up to first answer: from launching uvicorn until /healthz answers, for flashcoop and
  for the bare app (target ≤ 3 s), median of `--starts` starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from bench.common import (
    ROOT,
    Table,
    app_env,
    bare_server,
    bench_facilitator,
    bench_settings,
    database_names,
    flashcoop_server,
    fresh_database,
    open_schema,
    wrk,
)
from flashcoop.devserver import free_port, uvicorn_command


async def _certificate(url: str) -> str:
    """Schema, a cohort with one member and their certificate: its id."""

    from bench.closure_build import _cohort, _members
    from flashcoop.certificates.issuing import issue_certificate
    from flashcoop.core import db, pdf
    from flashcoop.core.principal import Principal

    await open_schema(url)
    try:
        user = await bench_facilitator()
        now = datetime.now(UTC)
        cohort = await _cohort(user, "Bench", now - timedelta(days=10), now + timedelta(days=1))
        [member] = await _members(cohort, 1, now - timedelta(days=10))
        settings = bench_settings(url)
        certificate, _ = await issue_certificate(
            cohort,
            member,
            principal=Principal(user=user),
            reason="Bench",
            settings=settings,
            now=now,
        )
        return str(certificate.id)
    finally:
        await db.close_db()
        await pdf.aclose()


def _first_answer(target: str, env: dict[str, str]) -> float:
    """Seconds from launching uvicorn on `target` until GET /healthz answers 200."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        uvicorn_command(target, port),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.perf_counter() - started > 60:
                raise SystemExit(f"{target} did not start")
            time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(kind: str, seconds: int, connections: int, starts: int) -> None:
    with fresh_database(kind) as (url, folder):
        done = subprocess.run(
            [sys.executable, __file__, "--prepare", url],
            capture_output=True,
            text=True,
            check=True,
        )
        certificate = json.loads(done.stdout.strip().splitlines()[-1])
        env = app_env(url, folder)
        with bare_server() as bare:
            base = wrk(bare, seconds=seconds, connections=connections)
        with flashcoop_server(env) as app:
            page = httpx.get(f"{app}/verify/{certificate}")
            assert page.status_code == 200 and "Membre 00" in page.text, page.status_code
            wrk(app, seconds=2, connections=connections, path=f"/verify/{certificate}")  # warm
            verify = wrk(
                app, seconds=seconds, connections=connections, path=f"/verify/{certificate}"
            )
        # As deployed: modules compiled once (this machine sets PYTHONDONTWRITEBYTECODE, which
        # would otherwise add a second of compiling flashcoop's sources to every start).
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "flashcoop")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        app_starts = [_first_answer("flashcoop.app:create_app", env) for _ in range(starts)]
        bare_starts = [_first_answer("bench.baseline:app", env) for _ in range(starts)]

    table = Table(f"pages: {kind}, wrk {connections} connections, {seconds} s")
    table.row(
        "verify page p50 vs bare GET / (ms)",
        verify.p50_ms,
        base.p50_ms,
        unit="ms",
        target="≤ 20 ms",
        ok=verify.p50_ms <= 20,
    )
    table.row("verify page p99 vs bare GET / (ms)", verify.p99_ms, base.p99_ms, unit="ms")
    table.row("verify page req/s vs bare GET /", verify.rps, base.rps, unit="/s")
    started, bare_started = statistics.median(app_starts), statistics.median(bare_starts)
    table.row(
        "start-up to first answer vs bare app (s)",
        started,
        bare_started,
        unit="s",
        target="≤ 3 s",
        ok=started <= 3,
    )
    print(f"errors: verify {verify.errors}, bare {base.errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--prepare", metavar="URL")
    args: Any = parser.parse_args()
    if args.prepare:
        print(json.dumps(asyncio.run(_certificate(args.prepare))))
        return
    for kind in database_names():
        measure(kind, args.seconds, args.connections, args.starts)


if __name__ == "__main__":
    main()
