"""The audit trail: who did what, when, on what, for every sensitive action.

Services call `record` inside the transaction of the action itself, so an action and its trace
are written together or not at all. A row names the actor by a label that carries no
participant's name (staff are named: the trail is read by the structure's admins), plus ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_
from flashcoop.core.fields import Fields
from flashcoop.core.principal import Principal
from flashcoop.privacy.models import AuditEntry

# Every action the trail knows (the `action` filter of the API and the page).
ACTIONS = (
    "consent.given",
    "consent.changed",
    "guardian.consented",
    "data.exported",
    "participant.erased",
    "participant.anonymised",
    "participant.changed",
    "entry.reversed",
    "attendance.corrected",
    "cohort.closed",
    "certificate.revoked",
    "report.downloaded",
)
PAGE = 100


def actor_label(actor: Principal | None) -> str:
    """How the trail names the actor: staff by name and role, a participant by an id prefix
    (never a name: the row outlives an erasure), the scheduler as "system"."""
    if actor is None or (actor.user is None and actor.participant is None):
        return "system"
    if actor.user is not None:
        user: Any = actor.user
        who = getattr(user, "name", "") or getattr(user, "email", "") or f"#{user.id}"
        return f"{who} ({user.role})"[:120]
    assert actor.participant is not None
    return f"participant {str(actor.participant.id)[:8]}"


async def record(
    *,
    actor: Principal | None,
    action: str,
    object: str,
    detail: dict[str, Any] | None = None,
    cohort_id: Any = None,
    subject_id: Any = None,
    now: datetime | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> AuditEntry:
    """Write one row of the trail (inside the caller's transaction when it holds one).
    `detail` holds ids, codes and counts: never a name, an e-mail or a free-text reason."""
    assert action in ACTIONS, f"unknown audit action {action}"
    entry = AuditEntry(
        at=now or utcnow(),
        actor=actor_label(actor),
        actor_user_id=actor.user.id if actor is not None and actor.user is not None else None,
        actor_participant_id=(
            actor.participant.id if actor is not None and actor.participant is not None else None
        ),
        action=action,
        object=object[:120],
        subject_id=subject_id,
        detail=detail or {},
        cohort_id=cohort_id,
    )
    await entry.save(using_db=using_db)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    cohort_id: UUID | None = None
    actor: str = ""  # a user id, a participant id, or words of the label
    action: str = ""


def read_filter(query: dict[str, Any]) -> AuditFilter:
    """?cohort=&actor=&action= (422 on a malformed cohort id or an unknown action)."""
    form = Fields(query)
    cohort: UUID | None = None
    raw = str(query.get("cohort") or "").strip()
    if raw:
        try:
            cohort = UUID(raw)
        except ValueError:
            form.error("cohort", N_("Not a cohort id."))
    action = str(query.get("action") or "").strip()
    if action and action not in ACTIONS:
        form.error("action", N_("Choose one of: {choices}."), choices=", ".join(ACTIONS))
    form.check()
    return AuditFilter(cohort, str(query.get("actor") or "").strip()[:120], action)


async def entries(found: AuditFilter, *, limit: int = PAGE) -> list[AuditEntry]:
    """The latest rows matching the filter, newest first."""
    rows = AuditEntry.all()
    if found.cohort_id is not None:
        rows = rows.filter(cohort_id=found.cohort_id)
    if found.action:
        rows = rows.filter(action=found.action)
    if found.actor:
        if found.actor.isdigit():
            rows = rows.filter(actor_user_id=int(found.actor))
        else:
            try:
                rows = rows.filter(actor_participant_id=UUID(found.actor))
            except ValueError:
                rows = rows.filter(actor__icontains=found.actor)
    return await rows.order_by("-at", "-id").limit(limit)


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object": entry.object,
        "detail": entry.detail,
        "cohort_id": str(entry.cohort_id) if entry.cohort_id else None,
    }
