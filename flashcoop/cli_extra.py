"""Subcommands added by capabilities: each entry takes the subparsers object and adds one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flashcoop.cohorts.workshop_cli import add_send_reminders
from flashcoop.ledger.cli import add_ledger_command

COMMANDS: list[Callable[[Any], None]] = [add_send_reminders, add_ledger_command]
