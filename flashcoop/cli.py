"""flashcoop serve | migrate | user create | token create | demo | close-due."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from flashcoop import db
from flashcoop.errors import DomainError
from flashcoop.i18n import gettext
from flashcoop.settings import Settings


def _fail(exc: DomainError) -> int:
    message = exc.text.render(gettext)
    fields = getattr(exc, "fields", {})
    details = "; ".join(f"{k}: {v.render(gettext)}" for k, v in fields.items())
    print(f"error: {message} {details}".rstrip(), file=sys.stderr)
    return 2


async def _with_db(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    await db.migrate(settings.database_url)
    await db.init_db(settings.database_url)
    try:
        return await work()
    except DomainError as exc:
        return _fail(exc)
    finally:
        await db.close_db()


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


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("error: the passwords differ")
    return first


def cmd_user_create(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.accounts.services import create_user

    password = _read_password(args)

    async def work() -> int:
        user = await create_user(
            email=args.email,
            role=args.role,
            password=password,
            name=args.name or "",
            organisation=args.organisation,
        )
        print(user.id)
        return 0

    return asyncio.run(_with_db(settings, work))


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.accounts.models import User
    from flashcoop.accounts.services import create_token

    async def work() -> int:
        user = await User.get_or_none(email=args.email.strip().lower(), is_active=True)
        if user is None:
            print(f"error: no active user {args.email}", file=sys.stderr)
            return 2
        print(await create_token(user=user, name=args.name or "cli"))
        print("Keep this token now: it is not shown again.", file=sys.stderr)
        return 0

    return asyncio.run(_with_db(settings, work))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.demo import load_demo

    async def work() -> int:
        print(await load_demo(settings))
        return 0

    return asyncio.run(_with_db(settings, work))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flashcoop", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app (applies migrations first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser("create", help="create a staff account; prints its id")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=["admin", "facilitator", "funder"])
    create.add_argument("--name")
    create.add_argument("--organisation")
    create.add_argument("--password-stdin", action="store_true")
    create.set_defaults(func=cmd_user_create)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="print a new API token for a user, once")
    tcreate.add_argument("--email", required=True)
    tcreate.add_argument("--name")
    tcreate.set_defaults(func=cmd_token_create)

    sub.add_parser("demo", help="load a realistic demo").set_defaults(func=cmd_demo)
    for extra in _extra_commands():
        extra(sub)
    return parser


def _extra_commands() -> list[Callable[[Any], None]]:
    """Commands that capabilities add (ledger verify, close-due, ...)."""
    from flashcoop import cli_extra

    return list(cli_extra.COMMANDS)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    return int(args.func(args, settings))
