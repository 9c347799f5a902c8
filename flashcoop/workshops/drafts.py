"""What a request asks of the programme, read from a JSON body or a form into dataclasses, and
the rules a workshop must follow in its cohort.

The rules that depend on the cohort (within its period, the weekly repeats, competences of its
skills framework) run twice on purpose: in the readers, so that a form shows every error at
once, and in the services (`check_draft`, `check_changes`), so that a draft built by hand
cannot slip past them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import ensure_open
from flashcoop.cohorts.skills import Framework, cohort_framework
from flashcoop.core.errors import N_
from flashcoop.core.fields import TEXT_MAX, TITLE_MAX, Fields
from flashcoop.workshops.models import CANCELLED, SCHEDULED, Workshop

MAX_REPEATS = 60
STATUSES = (SCHEDULED, CANCELLED)

Slot = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkshopDraft:
    # A new workshop, or the first of a weekly series; times are aware.
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    competences: tuple[str, ...] = ()
    repeat_weekly_until: date | None = None  # inclusive, a day in the cohort's timezone


@dataclass(frozen=True)
class WorkshopChanges:
    # An edit: None leaves a field as it is, and a move without `ends_at` keeps the length.
    title: str | None = None
    description: str | None = None
    location: str | None = None
    competences: tuple[str, ...] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    status: str | None = None  # CANCELLED cancels, SCHEDULED restores


@dataclass(frozen=True)
class Plan:
    # What the cohort's rules let through: competences in the framework's order, and the
    # workshop's times (one slot per week of a series).
    competences: tuple[str, ...]
    slots: tuple[Slot, ...]


async def read_workshop(
    data: dict[str, Any], cohort: Cohort, *, now: datetime | None = None
) -> WorkshopDraft:
    """A new workshop's body as a WorkshopDraft, every invalid field at once (422), the
    cohort's rules included; a frozen cohort refuses it before reading it (409)."""
    ensure_open(cohort, now=now, started=False)
    form = Fields(data)
    title = form.text("title", max_len=TITLE_MAX)
    description = form.text("description", required=False, max_len=TEXT_MAX)
    location = form.text("location", required=False, max_len=TITLE_MAX)
    codes = _codes(form)
    starts_at = form.moment("starts_at", cohort.tz)
    ends_at = form.moment("ends_at", cohort.tz)
    until = form.day("repeat_weekly_until")
    competences = _known(form, await cohort_framework(cohort), codes)
    if starts_at is not None and ends_at is not None:
        _slots(form, cohort, starts_at, ends_at, until)
    form.check()
    assert starts_at is not None and ends_at is not None
    return WorkshopDraft(title, starts_at, ends_at, description, location, competences, until)


async def read_changes(
    data: dict[str, Any], workshop: Workshop, cohort: Cohort, *, now: datetime | None = None
) -> WorkshopChanges:
    """An edit's body as WorkshopChanges (a field left out is left unchanged), every invalid
    field at once (422), the cohort's rules included; a frozen cohort refuses it first (409)."""
    ensure_open(cohort, now=now, started=False)
    form = Fields(data)
    tz = cohort.tz
    given = data.keys()
    title = form.text("title", max_len=TITLE_MAX) if "title" in given else None
    description = (
        form.text("description", required=False, max_len=TEXT_MAX)
        if "description" in given
        else None
    )
    location = (
        form.text("location", required=False, max_len=TITLE_MAX) if "location" in given else None
    )
    competences = (
        _known(form, await cohort_framework(cohort), _codes(form))
        if "competences" in given
        else None
    )
    starts_at = form.moment("starts_at", tz) if "starts_at" in given else None
    ends_at = form.moment("ends_at", tz) if "ends_at" in given else None
    status = form.choice("status", STATUSES, default="") or None
    if "starts_at" not in form.errors and "ends_at" not in form.errors:
        _new_times(form, workshop, cohort, starts_at, ends_at)
    form.check()
    return WorkshopChanges(
        title=title,
        description=description,
        location=location,
        competences=competences,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
    )


async def check_draft(cohort: Cohort, draft: WorkshopDraft) -> Plan:
    """The draft's plan once the cohort's rules hold (422 with the readers' messages)."""
    form = Fields({})
    competences = _known(form, await cohort_framework(cohort), draft.competences)
    slots = _slots(form, cohort, draft.starts_at, draft.ends_at, draft.repeat_weekly_until)
    form.check()
    return Plan(competences, tuple(slots))


async def check_changes(workshop: Workshop, cohort: Cohort, changes: WorkshopChanges) -> Plan:
    """The workshop's competences and its one slot after the changes, once the cohort's rules
    hold (422 with the readers' messages)."""
    if changes.status not in (None, *STATUSES):
        raise ValueError(f"a workshop is {' or '.join(STATUSES)}, not {changes.status!r}")
    form = Fields({})
    competences = tuple(workshop.competences)
    if changes.competences is not None:
        competences = _known(form, await cohort_framework(cohort), changes.competences)
    slot = _new_times(form, workshop, cohort, changes.starts_at, changes.ends_at)
    form.check()
    return Plan(competences, (slot,))


def weekly_occurrences(
    starts_at: datetime, ends_at: datetime, until: date, tz: ZoneInfo
) -> list[Slot]:
    """Same local wall time every week up to `until` (inclusive), across DST changes."""
    utc = ZoneInfo("UTC")
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    local_end = ends_at.astimezone(tz).replace(tzinfo=None)
    found: list[Slot] = []
    week = 0
    while (local_start + timedelta(weeks=week)).date() <= until and week <= MAX_REPEATS:
        start = (local_start + timedelta(weeks=week)).replace(tzinfo=tz).astimezone(utc)
        end = (local_end + timedelta(weeks=week)).replace(tzinfo=tz).astimezone(utc)
        found.append((start, end))
        week += 1
    return found


def _codes(form: Fields) -> tuple[str, ...]:
    # A list from JSON or checkboxes, or "1.1, 2.4" typed in.
    raw = form.raw("competences")
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        form.error("competences", N_("Choose competences from the list."))
        return ()
    return tuple(raw)


def _known(form: Fields, skills: Framework, codes: Sequence[str]) -> tuple[str, ...]:
    unknown = [c for c in codes if c not in skills.codes]
    if unknown:
        form.error("competences", N_("Unknown competence: {codes}."), codes=", ".join(unknown))
        return ()
    return tuple(sorted(set(codes), key=skills.sort_key))


def _within(form: Fields, cohort: Cohort, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        form.error("ends_at", N_("The end must come after the start."))
    elif starts_at < cohort.starts_at or ends_at > cohort.ends_at:
        form.error("starts_at", N_("A workshop must take place within the cohort's dates."))


def _slots(
    form: Fields, cohort: Cohort, starts_at: datetime, ends_at: datetime, until: date | None
) -> list[Slot]:
    _within(form, cohort, starts_at, ends_at)
    # Repeats are checked only once everything else holds: their messages assume a valid first.
    if until is None or form.errors:
        return [(starts_at, ends_at)]
    if until < starts_at.astimezone(cohort.tz).date():
        form.error("repeat_weekly_until", N_("Repeat until a date after the first one."))
        return [(starts_at, ends_at)]
    slots = weekly_occurrences(starts_at, ends_at, until, cohort.tz)
    if len(slots) > MAX_REPEATS:
        form.error("repeat_weekly_until", N_("At most {max} repeats."), max=MAX_REPEATS)
    elif slots[-1][1] > cohort.ends_at:
        form.error("repeat_weekly_until", N_("The repeats must end within the cohort."))
    return slots


def _new_times(
    form: Fields,
    workshop: Workshop,
    cohort: Cohort,
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> Slot:
    start = starts_at or workshop.starts_at
    if ends_at is not None:
        end = ends_at
    elif starts_at is not None:
        end = starts_at + (workshop.ends_at - workshop.starts_at)  # a move keeps the length
    else:
        end = workshop.ends_at
    _within(form, cohort, start, end)
    return start, end
