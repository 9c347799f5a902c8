"""Subcommands added by capabilities: each entry takes the subparsers object and adds one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flashcoop.cohorts.workshop_cli import add_send_reminders

COMMANDS: list[Callable[[Any], None]] = [add_send_reminders]
