"""Workshops of a cohort's programme: create (weekly repeats), edit, reschedule, cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import ensure_open, get_cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, NotFound
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.notify.services import notify_members
from flashcoop.workshops.drafts import (
    WorkshopChanges,
    WorkshopDraft,
    check_changes,
    check_draft,
)
from flashcoop.workshops.models import CANCELLED, SCHEDULED, Workshop, minutes_between
from flashcoop.workshops.programme import create_default_programme

__all__ = [
    "cancel_workshop",
    "create_default_programme",
    "create_workshops",
    "get_workshop",
    "update_workshop",
]

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


async def create_workshops(
    cohort: Cohort, draft: WorkshopDraft, *, now: datetime | None = None
) -> list[Workshop]:
    """Create the drafted workshop, or its weekly series, all or none: only while the cohort
    is open (409), inside its period and with competences of its framework (422)."""
    ensure_open(cohort, now=now, started=False)
    plan = await check_draft(cohort, draft)
    series = uuid.uuid4() if len(plan.slots) > 1 else None
    created: list[Workshop] = []
    async with in_transaction():
        for start, end in plan.slots:
            created.append(
                await Workshop.create(
                    cohort=cohort,
                    series_id=series,
                    title=draft.title,
                    description=draft.description,
                    location=draft.location,
                    starts_at=start,
                    ends_at=end,
                    duration_minutes=minutes_between(start, end),
                    competences=list(plan.competences),
                )
            )
    return created


def _notice_params(workshop: Workshop, cohort: Cohort) -> dict[str, Any]:
    return {"title": workshop.title, "at": workshop.starts_at.isoformat(), "tz": cohort.timezone}


async def update_workshop(
    workshop: Workshop,
    cohort: Cohort,
    changes: WorkshopChanges,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Workshop:
    """Apply an edit, a move or a cancellation (or its undoing): only while the cohort is open
    (409) and inside its period (422). Members are told of a new time of a workshop still to
    come, and of a cancellation or restoration before it ends."""
    now = now or utcnow()
    ensure_open(cohort, now=now, started=False)
    plan = await check_changes(workshop, cohort, changes)
    [(starts_at, ends_at)] = plan.slots
    status = changes.status or workshop.status
    moved = (starts_at, ends_at) != (workshop.starts_at, workshop.ends_at)
    changed_status = status != workshop.status
    if changes.title is not None:
        workshop.title = changes.title
    if changes.description is not None:
        workshop.description = changes.description
    if changes.location is not None:
        workshop.location = changes.location
    workshop.competences = list(plan.competences)
    workshop.starts_at, workshop.ends_at = starts_at, ends_at
    workshop.duration_minutes = minutes_between(starts_at, ends_at)
    workshop.status = status
    workshop.sequence += 1
    await workshop.save()
    cohort_members = await members(cohort.id)
    link = "/me"
    if changed_status:
        msgid = MSG_CANCELLED if status == CANCELLED else MSG_RESTORED
        if workshop.ends_at > now:
            await notify_members(
                cohort_members,
                kind=f"workshop_{status}",
                msgid=msgid,
                params=_notice_params(workshop, cohort),
                link=link,
                settings=settings,
                now=now,
            )
    elif moved and status == SCHEDULED and workshop.starts_at > now:
        await notify_members(
            cohort_members,
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
        workshop, cohort, WorkshopChanges(status=CANCELLED), settings=settings, now=now
    )


async def cohort_workshops(cohort: Cohort) -> list[Workshop]:
    """Every workshop of the cohort, cancelled ones included, in order of time."""
    return await Workshop.filter(cohort_id=cohort.id).order_by("starts_at")
