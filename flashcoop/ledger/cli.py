"""`flashcoop ledger verify COHORT_ID`: recompute a cohort's hash chain from the database."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any
from uuid import UUID

from flashcoop.core.settings import Settings


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.cohorts.models import Cohort
    from flashcoop.core import db
    from flashcoop.ledger.chain import verification_json, verify_chain

    try:
        cohort_id = UUID(args.cohort_id)
    except ValueError:
        print(f"error: {args.cohort_id!r} is not a cohort id", file=sys.stderr)
        return 2

    async def work() -> int:
        if not await Cohort.exists(id=cohort_id):
            print(f"error: no cohort {cohort_id}", file=sys.stderr)
            return 2
        result = await verify_chain(cohort_id)
        print(json.dumps(verification_json(result)))
        if not result.ok:
            print(f"ledger altered from entry #{result.first_bad_seq}", file=sys.stderr)
        return 0 if result.ok else 1

    async def run() -> int:
        # Read-only: no migration here, so an auditor may point it at a copy of the database.
        await db.init_db(settings.database_url)
        try:
            return await work()
        finally:
            await db.close_db()

    return asyncio.run(run())


def add_ledger_command(sub: Any) -> None:
    ledger = sub.add_parser("ledger", help="the sales ledger").add_subparsers(
        dest="action", required=True
    )
    verify = ledger.add_parser(
        "verify", help="check a cohort's hash chain; exit 1 when an entry was altered"
    )
    verify.add_argument("cohort_id")
    verify.set_defaults(func=cmd_verify)
