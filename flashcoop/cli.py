"""The `flashcoop` command: serve, migrate, demo, run-jobs, and every domain's commands."""

from __future__ import annotations

import argparse
import asyncio
import sys

from flashcoop.core import db, pdf
from flashcoop.core.jobs import UnknownJob, run_jobs
from flashcoop.core.settings import Settings
from flashcoop.domains import house


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    asyncio.run(db.migrate(settings.database_url))
    uvicorn.run(
        "flashcoop.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        # Access lines would hold client addresses and sign-in links: personal data stays out
        # of the logs, so there are none.
        access_log=False,
        log_level=settings.log_level.lower(),
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(db.migrate(settings.database_url))
    print("migrations applied", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.demo import load_demo

    async def work() -> int:
        print(await load_demo(settings))
        return 0

    return asyncio.run(db.with_db(settings, work))


def cmd_run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    jobs = house().jobs

    async def work() -> int:
        try:
            done = await run_jobs(jobs, settings, only=args.only)
        except UnknownJob as exc:
            known = ", ".join(job.name for job in jobs)
            print(f"error: no job named {exc}; the jobs are: {known}", file=sys.stderr)
            return 2
        for name, count in done:
            print(f"{name}: {count}")
        return 0

    return asyncio.run(db.with_db(settings, work))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flashcoop", description="Run short-lived cooperatives (Flashcoops)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app (applies migrations first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load a realistic demo").set_defaults(func=cmd_demo)

    jobs = house().jobs
    run = sub.add_parser(
        "run-jobs",
        help="run every periodic job once (what the scheduler does)",
        epilog="jobs: " + "; ".join(f"{job.name}: {job.help}" for job in jobs),
    )
    run.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this job (repeat for several): " + ", ".join(job.name for job in jobs),
    )
    run.set_defaults(func=cmd_run_jobs)
    for add_commands in house().commands:
        add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    pdf.configure(settings.pdf_workers)
    try:
        return int(args.func(args, settings))
    finally:
        pdf.shutdown()  # a command that rendered PDFs leaves no process behind
