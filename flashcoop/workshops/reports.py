"""Attendance figures: hours per participant (SQL aggregates), the signature sheet of a
workshop and the cohort's attendance summary. Numbers first; PDF and CSV render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from tortoise.functions import Count, Max, Sum

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts.members import members, person_name
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import as_utc
from flashcoop.core.csvfile import csv_bytes
from flashcoop.workshops.models import ATTENDED, SCHEDULED, Attendance, Workshop


async def attended_minutes(cohort_id: object) -> dict[str, int]:
    """Minutes attended per participant id: present or late, at workshops not cancelled."""
    rows = (
        await Attendance.filter(
            workshop__cohort_id=cohort_id, workshop__status=SCHEDULED, status__in=ATTENDED
        )
        .annotate(minutes=Sum("workshop__duration_minutes"))
        .group_by("participant_id")
        .values("participant_id", "minutes")
    )
    return {str(r["participant_id"]): int(r["minutes"] or 0) for r in rows}


async def last_checkin_by_participant(cohort_id: object) -> dict[str, datetime]:
    """When each participant of a cohort last checked in (or was marked there) at a workshop."""
    rows = (
        await Attendance.filter(workshop__cohort_id=cohort_id, checked_in_at__isnull=False)
        .annotate(last=Max("checked_in_at"))
        .group_by("participant_id")
        .values("participant_id", "last")
    )
    return {str(r["participant_id"]): as_utc(r["last"]) for r in rows if r["last"]}


async def planned_minutes(cohort_id: object, *, until: datetime | None = None) -> int:
    """Minutes of the cohort's workshops not cancelled (only those begun before `until`)."""
    query = Workshop.filter(cohort_id=cohort_id, status=SCHEDULED)
    if until is not None:
        query = query.filter(starts_at__lt=until)
    rows = await query.annotate(total=Sum("duration_minutes")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


@dataclass(frozen=True)
class SheetLine:
    name: str
    status: str  # "" when nothing was recorded
    checked_in_at: datetime | None


@dataclass(frozen=True)
class Sheet:
    structure: str
    cohort: Cohort
    workshop: Workshop
    lines: list[SheetLine]


async def build_sheet(workshop: Workshop, cohort: Cohort) -> Sheet:
    """Every member of the cohort, by name, with their status at this workshop (for signing)."""
    structure = await Organisation.get(id=cohort.structure_id)
    rows = {str(a.participant_id): a for a in await Attendance.filter(workshop_id=workshop.id)}
    lines = []
    for member in await members(cohort.id, order="name"):
        row = rows.get(str(member.id))
        lines.append(
            SheetLine(
                person_name(member, legal=True),
                row.status if row else "",
                row.checked_in_at if row else None,
            )
        )
    return Sheet(structure.name, cohort, workshop, lines)


@dataclass(frozen=True)
class SummaryLine:
    participant_id: UUID
    name: str
    minutes: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


@dataclass(frozen=True)
class Summary:
    cohort: Cohort
    structure: str
    planned_minutes: int
    workshops: int
    lines: list[SummaryLine]

    def percent(self, line: SummaryLine) -> int:
        if not self.planned_minutes:
            return 0
        return round(100 * line.minutes / self.planned_minutes)


async def build_summary(cohort: Cohort) -> Summary:
    """Hours attended per member, and their present/late/absent/excused counts."""
    structure = await Organisation.get(id=cohort.structure_id)
    planned = (
        await Workshop.filter(cohort_id=cohort.id, status=SCHEDULED)
        .annotate(total=Sum("duration_minutes"), n=Count("id"))
        .values("total", "n")
    )
    minutes = await attended_minutes(cohort.id)
    counts_rows = (
        await Attendance.filter(workshop__cohort_id=cohort.id, workshop__status=SCHEDULED)
        .annotate(n=Count("id"))
        .group_by("participant_id", "status")
        .values("participant_id", "status", "n")
    )
    counts: dict[str, dict[str, int]] = {}
    for row in counts_rows:
        counts.setdefault(str(row["participant_id"]), {})[row["status"]] = int(row["n"])
    lines = [
        SummaryLine(
            m.id,
            person_name(m, legal=True),
            minutes.get(str(m.id), 0),
            counts.get(str(m.id), {}),
        )
        for m in await members(cohort.id, order="name")
    ]
    total = int(planned[0]["total"] or 0) if planned else 0
    count = int(planned[0]["n"] or 0) if planned else 0
    return Summary(cohort, structure.name, total, count, lines)


def summary_csv(summary: Summary) -> bytes:
    return csv_bytes(
        ["participant_id", "name", "hours", "percent", "present", "late", "absent", "excused"],
        (
            [
                str(line.participant_id),
                line.name,
                f"{line.hours:.2f}",
                summary.percent(line),
                *(line.counts.get(s, 0) for s in ("present", "late", "absent", "excused")),
            ]
            for line in summary.lines
        ),
    )
