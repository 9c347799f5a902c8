"""Assessments: levels given by facilitators and by members themselves, history kept.

A judgement is never edited: each is a new row, and the latest facilitator assessment of a
member's competence is the one that counts (on the grid and on the certificate). Members'
self-assessments are kept beside them, never mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from flashcoop.certificates.models import Assessment
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.services import ensure_open
from flashcoop.cohorts.skills import Framework, cohort_framework
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, Forbidden
from flashcoop.core.fields import TEXT_MAX, Fields
from flashcoop.core.principal import Principal


@dataclass(frozen=True)
class Judgement:
    # One cell of the grid or one answer of a member: checked, ready to store.
    participant_id: UUID
    competence: str
    level: int
    note: str = ""


def _uuid_text(value: Any) -> str:
    """A participant id as the database writes it (any UUID spelling), or "" when not one."""
    try:
        return str(UUID(str(value)))
    except ValueError:
        return ""


def _may_assess(principal: Principal, participant_id: Any, is_self: bool) -> None:
    """Staff of the cohort assess anyone (and may note a member's self-assessment for them);
    a member only assesses themselves. The caller has already checked the cohort is visible."""
    if principal.is_staff:
        return
    member = principal.participant
    if member is None or not is_self or str(member.id) != _uuid_text(participant_id):
        raise Forbidden()


async def _members(cohort: Cohort) -> set[str]:
    ids = await Participant.filter(cohort_id=cohort.id).values_list("id", flat=True)
    return {str(i) for i in ids}


def _level(form: Fields, name: str, value: Any, skills: Framework) -> int:
    top = len(skills.levels)
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= top:
        form.error(name, N_("Choose a level from 1 to {top}."), top=top)
        return 0
    return number


def read_judgement(
    form: Fields, skills: Framework, members: set[str], *, prefix: str = ""
) -> Judgement | None:
    """The fields `participant_id`, `competence`, `level`, `note` (after `prefix`), or None
    with their errors collected in `form`."""
    data = form.data
    raw_pid = _uuid_text(data.get(prefix + "participant_id"))
    if raw_pid not in members:
        form.error(prefix + "participant_id", N_("Choose a member of this cohort."))
    competence = data.get(prefix + "competence")
    if not isinstance(competence, str) or competence not in skills.codes:
        form.error(prefix + "competence", N_("Choose a competence of the cohort's framework."))
    level = _level(form, prefix + "level", data.get(prefix + "level"), skills)
    note = form.text(prefix + "note", required=False, max_len=TEXT_MAX)
    if any(name.startswith(prefix) for name in form.errors):
        return None
    assert isinstance(competence, str)
    return Judgement(UUID(raw_pid), competence, level, note)


async def record_assessment(
    cohort: Cohort,
    principal: Principal,
    *,
    participant_id: Any,
    competence: Any,
    level: Any,
    note: Any = "",
    is_self: bool = False,
    now: datetime | None = None,
) -> Assessment:
    """Record one level for one competence of one member: staff for anyone, a member for
    themselves only (403); while the cohort is open (409); a competence of its framework and a
    level of its scale, a note of at most 2,000 characters (422)."""
    now = now or utcnow()
    _may_assess(principal, participant_id, is_self)
    ensure_open(cohort, now=now, started=False)
    form = Fields(
        {"participant_id": participant_id, "competence": competence, "level": level, "note": note}
    )
    judgement = read_judgement(form, await cohort_framework(cohort), await _members(cohort))
    form.check()
    assert judgement is not None
    return await _store(cohort, principal, judgement, is_self=is_self, now=now)


async def _store(
    cohort: Cohort, principal: Principal, judgement: Judgement, *, is_self: bool, now: datetime
) -> Assessment:
    return await Assessment.create(
        cohort_id=cohort.id,
        participant_id=judgement.participant_id,
        competence=judgement.competence,
        level=judgement.level,
        note=judgement.note,
        is_self=is_self,
        assessed_by_id=principal.user.id if principal.user is not None else None,
        assessed_at=now,
    )


async def record_grid(
    cohort: Cohort,
    principal: Principal,
    judgements: Sequence[Judgement],
    *,
    now: datetime | None = None,
) -> int:
    """Record the facilitator's changed cells of the grid, all or none (staff only, 403; while
    the cohort is open, 409); cells equal to the current assessment are skipped. Returns how
    many were recorded. The judgements were read with `read_judgement`."""
    now = now or utcnow()
    if not principal.is_staff:
        raise Forbidden()
    ensure_open(cohort, now=now, started=False)
    current = await latest(cohort.id)
    changed = [
        j
        for j in judgements
        if (found := current.get((str(j.participant_id), j.competence))) is None
        or (found.level, found.note) != (j.level, j.note)
    ]
    async with in_transaction():
        for judgement in changed:
            await _store(cohort, principal, judgement, is_self=False, now=now)
    return len(changed)


async def _ordered(cohort_id: Any, is_self: bool) -> list[Assessment]:
    # Oldest first, so that folding them into a dict leaves the latest of each cell.
    return await Assessment.filter(cohort_id=cohort_id, is_self=is_self).order_by(
        "assessed_at", "id"
    )


async def latest(cohort_id: Any, *, is_self: bool = False) -> dict[tuple[str, str], Assessment]:
    """(participant id as str, competence) → the latest assessment of that cell."""
    return {(str(a.participant_id), a.competence): a for a in await _ordered(cohort_id, is_self)}


def _levels(found: dict[tuple[str, str], Assessment]) -> dict[str, dict[str, int]]:
    levels: dict[str, dict[str, int]] = {}
    for (pid, code), assessment in found.items():
        levels.setdefault(pid, {})[code] = assessment.level
    return levels


async def latest_levels(cohort_id: object) -> dict[str, dict[str, int]]:
    """{participant id (str): {competence code: level}} from the latest facilitator assessment
    of each competence (self-assessments do not count on a certificate)."""
    return _levels(await latest(cohort_id))


async def latest_self_levels(cohort_id: object) -> dict[str, dict[str, int]]:
    """The same, from members' latest self-assessments."""
    return _levels(await latest(cohort_id, is_self=True))


async def history(
    cohort_id: object,
    *,
    participant_id: object | None = None,
    competence: str | None = None,
    is_self: bool | None = None,
) -> list[Assessment]:
    """Every assessment of the cohort (or of one member, one competence), latest first."""
    query = Assessment.filter(cohort_id=cohort_id)
    if participant_id is not None:
        query = query.filter(participant_id=participant_id)
    if competence is not None:
        query = query.filter(competence=competence)
    if is_self is not None:
        query = query.filter(is_self=is_self)
    return await query.order_by("-assessed_at", "-id")


async def assessed_count(cohort_id: object) -> int:
    """How many members have at least one facilitator assessment."""
    rows = (
        await Assessment.filter(cohort_id=cohort_id, is_self=False)
        .distinct()
        .values_list("participant_id", flat=True)
    )
    return len(set(rows))
