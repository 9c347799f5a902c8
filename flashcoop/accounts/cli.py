"""`flashcoop user create` and `flashcoop token create`: staff accounts and API tokens."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from flashcoop.core.db import with_db
from flashcoop.core.settings import Settings


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

    return asyncio.run(with_db(settings, work))


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

    return asyncio.run(with_db(settings, work))


def add_commands(sub: Any) -> None:
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
