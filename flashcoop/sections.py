"""Sections that domains contribute to shared pages (the participant home, the cohort dashboard).

A section is an async function (cohort, participant-or-principal) -> (template, context) or None.
The page renders each returned template with its context, in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Section = tuple[str, dict[str, Any]]
SectionProvider = Callable[..., Awaitable[Section | None]]


async def gather(providers: list[SectionProvider], *args: Any) -> list[Section]:
    found: list[Section] = []
    for provider in providers:
        section = await provider(*args)
        if section is not None:
            found.append(section)
    return found
