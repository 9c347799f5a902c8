"""The closure report's numbers, built once from the database for one audience.

The PDF, CSV and JSON are three renderings of the `ClosureFigures` built here. The funder
audience sees people under a stable pseudonym unless they consented to be named, and no count
of fewer than `MIN_GROUP` people (suppression).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.functions import Sum

from flashcoop.accounts.models import Organisation
from flashcoop.certificates.models import Assessment, Certificate
from flashcoop.closure.models import SITUATIONS, Closure, Outcome, Share
from flashcoop.cohorts.members import members, person_name
from flashcoop.cohorts.models import GENDERS, Cohort, Participant
from flashcoop.cohorts.skills import cohort_framework
from flashcoop.ledger.models import LedgerEntry
from flashcoop.workshops.models import SCHEDULED, Workshop
from flashcoop.workshops.reports import attended_minutes

MIN_GROUP = 3  # no figure shown to a funder describes fewer people than this
STAFF, FUNDER = "staff", "funder"
AUDIENCES = (STAFF, FUNDER)
NOT_RECORDED = "not_recorded"  # a member whose situation nobody recorded
UNKNOWN = "unknown"
AGE_BANDS = ("under_26", "26_44", "45_plus", UNKNOWN)


@dataclass(frozen=True)
class Count_:
    """A count shown to an audience: `value` is None when suppressed (too few people)."""

    key: str
    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class PersonLine:
    label: str  # a name or a pseudonym, by audience and consent
    minutes: int  # attended
    share_cents: int | None  # None when the member has no share row
    situation: str  # latest outcome as of the report, or NOT_RECORDED
    note: str  # the outcome's note: staff audience only, "" otherwise

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


@dataclass(frozen=True)
class SkillLine:
    code: str
    label: str
    levels: tuple[Count_, ...]  # level 1..n in order


@dataclass(frozen=True)
class ClosureFigures:
    kind: str  # closure | followup
    version: int
    audience: str  # staff | funder
    language: str  # of the labels and of the PDF
    generated_at: datetime
    as_of: datetime  # outcomes recorded up to this moment are counted
    cohort_id: str
    cohort_name: str
    activity: str
    structure: str
    timezone: str
    currency: str
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime
    participants: int
    planned_minutes: int
    attended_minutes: int
    sales_cents: int
    expenses_cents: int
    surplus_cents: int
    surplus_rule: str
    people: tuple[PersonLine, ...]
    sales_by_day: tuple[tuple[str, int], ...]
    skill_levels: tuple[str, ...]  # the framework's level names
    skills: tuple[SkillLine, ...]
    certificates_issued: int
    outcomes: tuple[Count_, ...]  # SITUATIONS then NOT_RECORDED
    genders: tuple[Count_, ...]  # GENDERS then UNKNOWN
    age_bands: tuple[Count_, ...]  # AGE_BANDS
    ledger_entries: int
    ledger_head: str

    @property
    def attendance_rate(self) -> float:
        """Attended minutes over the minutes planned for every member (0 to 1)."""
        possible = self.planned_minutes * self.participants
        return round(self.attended_minutes / possible, 4) if possible else 0.0

    @property
    def training_hours(self) -> float:
        """Hours of training received, summed over members (participant-hours)."""
        return round(self.attended_minutes / 60, 2)

    @property
    def planned_hours(self) -> float:
        return round(self.planned_minutes / 60, 2)


def shown(key: str, value: int, audience: str) -> Count_:
    """A count as `audience` may see it: funders never see a count below MIN_GROUP."""
    if audience == FUNDER and value < MIN_GROUP:
        return Count_(key, None)
    return Count_(key, value)


def pseudonym(position: int) -> str:
    return f"Participant {position}"


def label_for(participant: Participant, position: int, audience: str) -> str:
    """The member's name for staff, or for funders when they consented; else a pseudonym
    numbered by order of arrival, stable from one report to the next."""
    return person_name(participant, funder=audience != STAFF, pseudonym=pseudonym(position))


def age_band(birth_year: int | None, at: datetime) -> str:
    """Age reached during the year of `at` (birth dates are not kept, only years)."""
    if not birth_year:
        return UNKNOWN
    age = at.year - birth_year
    if age < 26:
        return "under_26"
    return "26_44" if age <= 44 else "45_plus"


async def latest_outcomes(
    cohort_ids: list[Any], *, as_of: datetime | None = None
) -> dict[str, Outcome]:
    """Participant id → their latest outcome (recorded up to `as_of`)."""
    query = Outcome.filter(cohort_id__in=cohort_ids)
    if as_of is not None:
        query = query.filter(recorded_at__lte=as_of)
    latest: dict[str, Outcome] = {}
    for row in await query.order_by("recorded_at", "id"):
        latest[str(row.participant_id)] = row
    return latest


async def planned_minutes(cohort_id: Any) -> int:
    rows = (
        await Workshop.filter(cohort_id=cohort_id, status=SCHEDULED)
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return int(rows[0]["total"] or 0) if rows else 0


async def _skills(
    cohort: Cohort, member_ids: set[str], audience: str, language: str
) -> tuple[tuple[str, ...], tuple[SkillLine, ...]]:
    framework = await cohort_framework(cohort)
    latest: dict[tuple[str, str], int] = {}
    rows = Assessment.filter(cohort_id=cohort.id, is_self=False).order_by("assessed_at", "id")
    for row in await rows.values("participant_id", "competence", "level"):
        latest[(str(row["participant_id"]), row["competence"])] = int(row["level"])
    assessed = {code for (_pid, code) in latest}
    lines = []
    for competence in framework.competences:
        if competence.code not in assessed:
            continue
        counts = [0] * len(framework.levels)
        for (pid, code), level in latest.items():
            if code == competence.code and pid in member_ids and 1 <= level <= len(counts):
                counts[level - 1] += 1
        levels = tuple(shown(str(n + 1), c, audience) for n, c in enumerate(counts))
        lines.append(SkillLine(competence.code, competence.label.in_language(language), levels))
    return tuple(level.in_language(language) for level in framework.levels), tuple(lines)


async def _sales_by_day(cohort_id: Any) -> tuple[tuple[str, int], ...]:
    rows = (
        await LedgerEntry.filter(cohort_id=cohort_id, book="sale")
        .annotate(total=Sum("amount_cents"))
        .group_by("local_day")
        .order_by("local_day")
        .values("local_day", "total")
    )
    return tuple((r["local_day"], int(r["total"] or 0)) for r in rows)


async def build_figures(
    cohort: Cohort,
    closure: Closure,
    *,
    audience: str,
    now: datetime,
    kind: str = "closure",
    version: int = 0,
    as_of: datetime | None = None,
    language: str = "fr",
) -> ClosureFigures:
    """Every number of the report, read once. Outcomes count up to `as_of` (the closure's
    start for the closure report, so that a retry renders the same figures)."""
    as_of = as_of or closure.started_at
    closed_at = cohort.closed_at or closure.started_at
    structure = await Organisation.get(id=cohort.structure_id)
    people = await members(cohort.id)
    minutes = await attended_minutes(cohort.id)
    share_rows = await Share.filter(cohort_id=cohort.id)
    shares = {str(s.participant_id): s.amount_cents for s in share_rows}
    outcomes = await latest_outcomes([cohort.id], as_of=as_of)
    lines = []
    for position, person in enumerate(people, start=1):
        pid = str(person.id)
        outcome = outcomes.get(pid)
        lines.append(
            PersonLine(
                label=label_for(person, position, audience),
                minutes=minutes.get(pid, 0),
                share_cents=shares.get(pid),
                situation=outcome.situation if outcome else NOT_RECORDED,
                note=outcome.note if outcome and audience == STAFF else "",
            )
        )
    situations = [line.situation for line in lines]
    genders = [p.gender if p.gender in GENDERS else UNKNOWN for p in people]
    bands = [age_band(p.birth_year, closed_at.astimezone(cohort.tz)) for p in people]
    level_names, skills = await _skills(cohort, {str(p.id) for p in people}, audience, language)
    return ClosureFigures(
        kind=kind,
        version=version,
        audience=audience,
        language=language,
        generated_at=now,
        as_of=as_of,
        cohort_id=str(cohort.id),
        cohort_name=cohort.name,
        activity=cohort.activity,
        structure=structure.name,
        timezone=cohort.timezone,
        currency=cohort.currency,
        starts_at=cohort.starts_at,
        ends_at=cohort.ends_at,
        closed_at=closed_at,
        participants=len(people),
        planned_minutes=await planned_minutes(cohort.id),
        attended_minutes=sum(line.minutes for line in lines),
        sales_cents=closure.sales_cents,
        expenses_cents=closure.expenses_cents,
        surplus_cents=closure.surplus_cents,
        surplus_rule=closure.surplus_rule,
        people=tuple(lines),
        sales_by_day=await _sales_by_day(cohort.id),
        skill_levels=level_names,
        skills=skills,
        certificates_issued=await Certificate.filter(cohort_id=cohort.id).count(),
        outcomes=tuple(
            shown(s, situations.count(s), audience) for s in (*SITUATIONS, NOT_RECORDED)
        ),
        genders=tuple(shown(g, genders.count(g), audience) for g in (*GENDERS, UNKNOWN)),
        age_bands=tuple(shown(b, bands.count(b), audience) for b in AGE_BANDS),
        ledger_entries=closure.ledger_entries,
        ledger_head=closure.ledger_head,
    )
