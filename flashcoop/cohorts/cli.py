"""`flashcoop participant role --cohort ID --participant PID --role treasurer|member`: name or
un-name a treasurer from a shell, with the rule of the page and of the API."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any
from uuid import UUID

from flashcoop.core.db import with_db
from flashcoop.core.settings import Settings


def cmd_role(args: argparse.Namespace, settings: Settings) -> int:
    from flashcoop.cohorts import joining, members
    from flashcoop.cohorts.models import Cohort
    from flashcoop.core.errors import DomainError, NotFound, ValidationError
    from flashcoop.core.i18n import gettext

    async def work() -> int:
        try:
            cohort = await Cohort.get_or_none(id=UUID(args.cohort))
        except ValueError:
            cohort = None
        if cohort is None:
            print(f"error: no cohort {args.cohort}", file=sys.stderr)
            return 2
        try:
            participant = await members.participant_of(cohort, args.participant)
            await joining.update_participant(cohort, participant, {"role": args.role})
        except NotFound:
            print(f"error: no participant {args.participant} in this cohort", file=sys.stderr)
            return 2
        except ValidationError as exc:
            for name, text in exc.fields.items():
                print(f"error: {name}: {text.render(gettext)}", file=sys.stderr)
            return 2
        except DomainError as exc:
            print(f"error: {exc.code}: {exc.text.render(gettext)}", file=sys.stderr)
            return 1
        print(f"{participant.display_name}: {participant.role}")
        return 0

    return asyncio.run(with_db(settings, work))


def add_participant_command(sub: Any) -> None:
    participant = sub.add_parser("participant", help="a cohort's members").add_subparsers(
        dest="action", required=True
    )
    role = participant.add_parser(
        "role", help="name a member treasurer (records expenses, corrects entries) or member"
    )
    role.add_argument("--cohort", required=True, help="cohort id")
    role.add_argument("--participant", required=True, help="participant id")
    role.add_argument("--role", required=True, choices=("member", "treasurer"))
    role.set_defaults(func=cmd_role)
