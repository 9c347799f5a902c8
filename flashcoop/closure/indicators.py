"""Indicators across the closed cohorts a funder funds (an admin: all of them), by closure
date. Every category count below 3 is suppressed, whoever asks: the figures are aggregates
meant to leave the structure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Sum

from flashcoop.certificates.models import Certificate
from flashcoop.closure.figures import (
    AGE_BANDS,
    FUNDER,
    NOT_RECORDED,
    UNKNOWN,
    Count_,
    age_band,
    latest_outcomes,
    shown,
)
from flashcoop.closure.models import SITUATIONS, Closure
from flashcoop.closure.report_formats import counts_json
from flashcoop.cohorts.models import CLOSED, GENDERS, Cohort, Participant
from flashcoop.cohorts.services import visible_cohorts
from flashcoop.core.csvfile import csv_bytes
from flashcoop.core.errors import N_
from flashcoop.core.fields import Fields, format_amount
from flashcoop.core.principal import Principal
from flashcoop.workshops.models import ATTENDED, SCHEDULED, Attendance, Workshop


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None  # inclusive


@dataclass(frozen=True)
class Indicators:
    period: Period
    cohorts: int
    participants: int
    planned_minutes: int  # summed over members (minutes each member could attend)
    attended_minutes: int
    sales_cents: int
    surplus_cents: int
    certificates_issued: int
    genders: tuple[Count_, ...]
    age_bands: tuple[Count_, ...]
    outcomes: tuple[Count_, ...]

    @property
    def attendance_rate(self) -> float:
        if not self.planned_minutes:
            return 0.0
        return round(self.attended_minutes / self.planned_minutes, 4)

    @property
    def training_hours(self) -> float:
        return round(self.attended_minutes / 60, 2)


def read_period(data: dict[str, Any]) -> Period:
    """`from` and `to` as ISO dates (both optional, `to` not before `from`); 422 otherwise."""
    form = Fields({"from": data.get("from"), "to": data.get("to")})
    start, end = form.day("from"), form.day("to")
    if start and end and end < start:
        form.error("to", N_("The end date comes before the start date."))
    form.check()
    return Period(start, end)


def _bounds(period: Period, tz: ZoneInfo) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    if period.start:
        found["closed_at__gte"] = datetime.combine(period.start, time(), tz)
    if period.end:
        found["closed_at__lt"] = datetime.combine(period.end + timedelta(days=1), time(), tz)
    return found


async def closed_cohorts(principal: Principal, period: Period, tz: ZoneInfo) -> list[Cohort]:
    """The closed cohorts this principal may see, closed within the period (in `tz` days)."""
    query = visible_cohorts(principal).filter(status=CLOSED, **_bounds(period, tz))
    return await query.order_by("closed_at", "id")


async def _planned_per_cohort(ids: list[Any]) -> dict[str, int]:
    rows = (
        await Workshop.filter(cohort_id__in=ids, status=SCHEDULED)
        .annotate(total=Sum("duration_minutes"))
        .group_by("cohort_id")
        .values("cohort_id", "total")
    )
    return {str(r["cohort_id"]): int(r["total"] or 0) for r in rows}


async def _attended(ids: list[Any]) -> int:
    rows = (
        await Attendance.filter(
            workshop__cohort_id__in=ids, workshop__status=SCHEDULED, status__in=ATTENDED
        )
        .annotate(total=Sum("workshop__duration_minutes"))
        .group_by("participant_id")
        .values("participant_id", "total")
    )
    return sum(int(r["total"] or 0) for r in rows)


async def build_indicators(principal: Principal, period: Period, *, tz: ZoneInfo) -> Indicators:
    """Figures across the principal's closed cohorts in the period, suppressed below 3."""
    cohorts = await closed_cohorts(principal, period, tz)
    ids = [c.id for c in cohorts]
    people = await Participant.filter(cohort_id__in=ids) if ids else []
    planned = await _planned_per_cohort(ids) if ids else {}
    per_cohort: dict[str, int] = {}
    for person in people:
        per_cohort[str(person.cohort_id)] = per_cohort.get(str(person.cohort_id), 0) + 1
    closed_at = {str(c.id): (c.closed_at or c.ends_at).astimezone(c.tz) for c in cohorts}
    money: dict[str, int] = {"sales": 0, "surplus": 0}
    if ids:
        rows = await Closure.filter(cohort_id__in=ids).values("sales_cents", "surplus_cents")
        money["sales"] = sum(int(r["sales_cents"]) for r in rows)
        money["surplus"] = sum(int(r["surplus_cents"]) for r in rows)
    outcomes = await latest_outcomes(ids) if ids else {}
    situations = [
        outcomes[str(p.id)].situation if str(p.id) in outcomes else NOT_RECORDED for p in people
    ]
    genders = [p.gender if p.gender in GENDERS else UNKNOWN for p in people]
    bands = [age_band(p.birth_year, closed_at[str(p.cohort_id)]) for p in people]
    return Indicators(
        period=period,
        cohorts=len(cohorts),
        participants=len(people),
        planned_minutes=sum(planned.get(k, 0) * n for k, n in per_cohort.items()),
        attended_minutes=await _attended(ids) if ids else 0,
        sales_cents=money["sales"],
        surplus_cents=money["surplus"],
        certificates_issued=await Certificate.filter(cohort_id__in=ids).count() if ids else 0,
        genders=tuple(shown(g, genders.count(g), FUNDER) for g in (*GENDERS, UNKNOWN)),
        age_bands=tuple(shown(b, bands.count(b), FUNDER) for b in AGE_BANDS),
        outcomes=tuple(shown(s, situations.count(s), FUNDER) for s in (*SITUATIONS, NOT_RECORDED)),
    )


def indicators_data(found: Indicators) -> dict[str, Any]:
    return {
        "from": found.period.start.isoformat() if found.period.start else None,
        "to": found.period.end.isoformat() if found.period.end else None,
        "cohorts": found.cohorts,
        "participants": found.participants,
        "attendance_rate": found.attendance_rate,
        "training_hours": found.training_hours,
        "sales": format_amount(found.sales_cents),
        "surplus": format_amount(found.surplus_cents),
        "certificates_issued": found.certificates_issued,
        "by_gender": counts_json(found.genders, "value"),
        "by_age_band": counts_json(found.age_bands, "value"),
        "by_outcome": counts_json(found.outcomes, "value"),
    }


# The figures of the indicators, in the order of the API, the CSV and the OpenAPI description.
TOTALS = (
    "cohorts",
    "participants",
    "attendance_rate",
    "training_hours",
    "sales",
    "surplus",
    "certificates_issued",
)
SPLITS = ("by_gender", "by_age_band", "by_outcome")


def indicators_csv(found: Indicators) -> bytes:
    """One flat table `indicator,value,count,suppressed`: totals first, then each split."""
    data = indicators_data(found)
    rows: list[list[Any]] = []
    for key in ("from", "to", *TOTALS):
        rows.append([key, "" if data[key] is None else data[key], "", ""])
    for key in SPLITS:
        for item in data[key]:
            count = "" if item["count"] is None else item["count"]
            rows.append([key, item["value"], count, "true" if item.get("suppressed") else ""])
    return csv_bytes(["indicator", "value", "count", "suppressed"], rows)
