"""Workshops of a cohort's programme: create (weekly repeats), edit, reschedule, cancel."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.services import ensure_open, get_cohort
from flashcoop.cohorts.skills import Framework, framework
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, NotFound
from flashcoop.core.fields import TEXT_MAX, TITLE_MAX, Fields
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.notify.services import notify_members
from flashcoop.workshops.models import CANCELLED, SCHEDULED, Workshop
from flashcoop.workshops.programme import create_default_programme

__all__ = [
    "cancel_workshop",
    "create_default_programme",
    "create_workshops",
    "get_workshop",
    "update_workshop",
]
MAX_REPEATS = 60

MSG_MOVED = N_("Workshop “{title}” moved to {when}.")
MSG_CANCELLED = N_("Workshop “{title}” on {when} is cancelled.")
MSG_RESTORED = N_("Workshop “{title}” on {when} takes place after all.")


async def get_workshop(
    principal: Principal, workshop_id: UUID | str, *, staff: bool = False
) -> tuple[Workshop, Cohort]:
    """The workshop and its cohort if the principal may see the cohort (404 otherwise)."""
    try:
        key = UUID(str(workshop_id))
    except ValueError as exc:
        raise NotFound() from exc
    workshop = await Workshop.get_or_none(id=key)
    if workshop is None:
        raise NotFound()
    cohort = await get_cohort(principal, str(workshop.cohort_id), staff=staff)
    return workshop, cohort


def _competences(form: Fields, skills: Framework) -> list[str] | None:
    raw = form.raw("competences")
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        form.error("competences", N_("Choose competences from the list."))
        return None
    unknown = [c for c in raw if c not in skills.codes]
    if unknown:
        form.error("competences", N_("Unknown competence: {codes}."), codes=", ".join(unknown))
        return None
    return sorted(set(raw), key=skills.sort_key)


def _check_period(form: Fields, cohort: Cohort, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        form.error("ends_at", N_("The end must come after the start."))
    elif starts_at < cohort.starts_at or ends_at > cohort.ends_at:
        form.error("starts_at", N_("A workshop must take place within the cohort's dates."))


def weekly_occurrences(
    starts_at: datetime, ends_at: datetime, until: date, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Same local wall time every week up to `until` (inclusive), across DST changes."""
    utc = ZoneInfo("UTC")
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    local_end = ends_at.astimezone(tz).replace(tzinfo=None)
    found: list[tuple[datetime, datetime]] = []
    week = 0
    while (local_start + timedelta(weeks=week)).date() <= until and week <= MAX_REPEATS:
        start = (local_start + timedelta(weeks=week)).replace(tzinfo=tz).astimezone(utc)
        end = (local_end + timedelta(weeks=week)).replace(tzinfo=tz).astimezone(utc)
        found.append((start, end))
        week += 1
    return found


async def create_workshops(
    cohort: Cohort, data: dict[str, Any], *, now: datetime | None = None
) -> list[Workshop]:
    """Create a workshop, or a weekly series of it, inside the cohort's period."""
    ensure_open(cohort, now=now, started=False)
    tz = cohort.tz
    form = Fields(data)
    title = form.text("title", max_len=TITLE_MAX)
    description = form.text("description", required=False, max_len=TEXT_MAX)
    location = form.text("location", required=False, max_len=TITLE_MAX)
    competences = _competences(form, framework(cohort.framework)) or []
    starts_at = form.moment("starts_at", tz)
    ends_at = form.moment("ends_at", tz)
    until = form.day("repeat_weekly_until")
    occurrences: list[tuple[datetime, datetime]] = []
    if starts_at and ends_at:
        _check_period(form, cohort, starts_at, ends_at)
        occurrences = [(starts_at, ends_at)]
        if until is not None and not form.errors:
            if until < starts_at.astimezone(tz).date():
                form.error("repeat_weekly_until", N_("Repeat until a date after the first one."))
            else:
                occurrences = weekly_occurrences(starts_at, ends_at, until, tz)
                if len(occurrences) > MAX_REPEATS:
                    form.error("repeat_weekly_until", N_("At most {max} repeats."), max=MAX_REPEATS)
                elif occurrences[-1][1] > cohort.ends_at:
                    form.error("repeat_weekly_until", N_("The repeats must end within the cohort."))
    form.check()
    series = uuid.uuid4() if len(occurrences) > 1 else None
    created: list[Workshop] = []
    async with in_transaction():
        for start, end in occurrences:
            created.append(
                await Workshop.create(
                    cohort=cohort,
                    series_id=series,
                    title=title,
                    description=description,
                    location=location,
                    starts_at=start,
                    ends_at=end,
                    duration_minutes=int((end - start).total_seconds() // 60),
                    competences=competences,
                )
            )
    return created


def _notice_params(workshop: Workshop, cohort: Cohort) -> dict[str, Any]:
    return {"title": workshop.title, "at": workshop.starts_at.isoformat(), "tz": cohort.timezone}


async def update_workshop(
    workshop: Workshop,
    cohort: Cohort,
    data: dict[str, Any],
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Workshop:
    """Edit or reschedule (members are told of a new time), or set `status` to cancel."""
    now = now or utcnow()
    ensure_open(cohort, now=now, started=False)
    tz = cohort.tz
    form = Fields(data)
    changes: dict[str, Any] = {}
    for name, max_len, required in (
        ("title", TITLE_MAX, True),
        ("description", TEXT_MAX, False),
        ("location", TITLE_MAX, False),
    ):
        if name in data:
            changes[name] = form.text(name, required=required, max_len=max_len)
    if "competences" in data:
        changes["competences"] = _competences(form, framework(cohort.framework)) or []
    starts_at = form.moment("starts_at", tz) if "starts_at" in data else workshop.starts_at
    ends_at = form.moment("ends_at", tz) if "ends_at" in data else workshop.ends_at
    if "starts_at" in data and "ends_at" not in data and starts_at is not None:
        ends_at = starts_at + (workshop.ends_at - workshop.starts_at)  # a move keeps the length
    status = form.choice("status", (SCHEDULED, CANCELLED), default=workshop.status)
    if starts_at and ends_at:
        _check_period(form, cohort, starts_at, ends_at)
    form.check()
    assert starts_at is not None and ends_at is not None
    moved = (starts_at, ends_at) != (workshop.starts_at, workshop.ends_at)
    changed_status = status != workshop.status
    for name, value in changes.items():
        setattr(workshop, name, value)
    workshop.starts_at, workshop.ends_at = starts_at, ends_at
    workshop.duration_minutes = int((ends_at - starts_at).total_seconds() // 60)
    workshop.status = status
    workshop.sequence += 1
    await workshop.save()
    members = await Participant.filter(cohort_id=cohort.id)
    link = "/me"
    if changed_status:
        msgid = MSG_CANCELLED if status == CANCELLED else MSG_RESTORED
        if workshop.ends_at > now:
            await notify_members(
                members,
                kind=f"workshop_{status}",
                msgid=msgid,
                params=_notice_params(workshop, cohort),
                link=link,
                settings=settings,
                now=now,
            )
    elif moved and status == SCHEDULED and workshop.starts_at > now:
        await notify_members(
            members,
            kind="workshop_moved",
            msgid=MSG_MOVED,
            params=_notice_params(workshop, cohort),
            link=link,
            settings=settings,
            now=now,
        )
    return workshop


async def cancel_workshop(
    workshop: Workshop,
    cohort: Cohort,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Workshop:
    """Cancel a workshop: it stays listed (and in calendars) as cancelled; members are told."""
    return await update_workshop(
        workshop, cohort, {"status": CANCELLED}, settings=settings, now=now
    )


async def cohort_workshops(cohort: Cohort) -> list[Workshop]:
    return await Workshop.filter(cohort_id=cohort.id).order_by("starts_at")
