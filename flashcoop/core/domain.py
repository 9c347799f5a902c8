"""What a domain contributes, declared in one place, and the house that puts them together.

Each domain package has a `domain.py` whose `DOMAIN` lists its models, HTML routes, API routes
and their OpenAPI description, CLI commands, periodic jobs, sections of the shared pages,
figures about members, signal receivers and error codes. `flashcoop/domains.py` names the
installed domains; the shell (app, CLI, scheduler, migrations) asks the `House` built from them
and names no domain itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from flashcoop.core.jobs import Job
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.core.signals import Receiver, Signal

# A section of a composed page: (template, context), rendered in the order of the domains.
Section = tuple[str, dict[str, Any]]
# (cohort, participant) for the participant home; (cohort, principal) for the dashboard.
SectionProvider = Callable[..., Awaitable[Section | None]]
# (cohort, members) -> {participant id as str: {field: value}}, merged into each member's row
# of the participants API and list (hours attended from workshops, sales from the ledger, ...).
MemberFigures = Callable[[Any, Sequence[Any]], Awaitable[dict[str, dict[str, Any]]]]
# Adds subcommands to the `flashcoop` parser; each sets `func(args, settings) -> exit code`.
Command = Callable[[Any], None]
# Who is asking, from a Bearer token or the session: (bearer or None, session, settings).
Identify = Callable[[str | None, dict[str, Any], Settings], Awaitable[Principal]]


@dataclass(frozen=True)
class Domain:
    name: str
    models: tuple[str, ...] = ()  # modules holding Tortoise models
    routes: tuple[Any, ...] = ()  # Starlette routes of HTML pages
    api_routes: tuple[Any, ...] = ()  # Starlette routes under /api/
    openapi: Mapping[str, Any] = field(default_factory=dict)  # path -> OpenAPI path item
    commands: tuple[Command, ...] = ()
    jobs: tuple[Job, ...] = ()
    home_sections: tuple[SectionProvider, ...] = ()
    dashboard_sections: tuple[SectionProvider, ...] = ()
    member_figures: tuple[MemberFigures, ...] = ()
    receivers: tuple[tuple[Signal, Receiver], ...] = ()
    errors: type[StrEnum] | None = None  # every error code the domain raises
    identify: Identify | None = None  # the one domain that tells who is asking


class House:
    """The installed domains, in order (lowest first), and what they contribute together.

    Each aggregate is computed once: `identify` and the sections are asked on every request."""

    def __init__(self, domains: Sequence[Domain]) -> None:
        self.domains = tuple(domains)
        names = [d.name for d in self.domains]
        if len(set(names)) != len(names):
            raise ValueError(f"a domain is installed twice: {names}")
        paths = [p for d in self.domains for p in d.openapi]
        if len(set(paths)) != len(paths):
            raise ValueError("two domains describe the same API path")
        jobs = [j.name for j in self.jobs]
        if len(set(jobs)) != len(jobs):
            raise ValueError(f"two jobs share a name: {jobs}")

    def _all(self, attribute: str) -> list[Any]:
        return [item for d in self.domains for item in getattr(d, attribute)]

    @cached_property
    def models(self) -> list[str]:
        return self._all("models")

    @cached_property
    def routes(self) -> list[Any]:
        return self._all("api_routes") + self._all("routes")

    @cached_property
    def openapi_paths(self) -> dict[str, Any]:
        return {path: item for d in self.domains for path, item in d.openapi.items()}

    @cached_property
    def commands(self) -> list[Command]:
        return self._all("commands")

    @cached_property
    def jobs(self) -> list[Job]:
        return self._all("jobs")

    @cached_property
    def home_sections(self) -> list[SectionProvider]:
        return self._all("home_sections")

    @cached_property
    def dashboard_sections(self) -> list[SectionProvider]:
        return self._all("dashboard_sections")

    @cached_property
    def member_figures(self) -> list[MemberFigures]:
        return self._all("member_figures")

    @cached_property
    def error_codes(self) -> dict[str, type[StrEnum]]:
        return {d.name: d.errors for d in self.domains if d.errors is not None}

    @cached_property
    def identify(self) -> Identify:
        found = [d.identify for d in self.domains if d.identify is not None]
        if len(found) != 1:
            raise ValueError("exactly one installed domain must tell who is asking")
        return found[0]

    def connect_receivers(self) -> None:
        """Connect every declared receiver to its signal (connecting twice changes nothing)."""
        for domain in self.domains:
            for signal, receiver in domain.receivers:
                signal.connect(receiver)


async def gather(providers: Sequence[SectionProvider], *args: Any) -> list[Section]:
    """The sections that the providers return for these arguments, skipping the empty ones."""
    found: list[Section] = []
    for provider in providers:
        section = await provider(*args)
        if section is not None:
            found.append(section)
    return found
