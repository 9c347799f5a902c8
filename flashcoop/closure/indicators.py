"""Indicators across the closed cohorts a funder funds (an admin: all of them), by closure
date. Every category count below 3 is suppressed, whoever asks: the figures are aggregates
meant to leave the structure. Each cohort's figures are stored at its closure
(`CohortFigures`, cohort_figures.py) and summed in the database: a request costs the same two
queries for 1 or 500 cohorts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Subquery
from tortoise.functions import Count, Sum

from flashcoop.closure.cohort_figures import CATEGORIES, COLUMNS, Due, column, store_figures
from flashcoop.closure.figures import FUNDER, Count_, shown
from flashcoop.closure.models import CohortFigures
from flashcoop.closure.report_formats import counts_json
from flashcoop.cohorts.models import CLOSED
from flashcoop.cohorts.services import visible_cohorts
from flashcoop.core.csvfile import csv_bytes
from flashcoop.core.errors import N_
from flashcoop.core.fields import Fields, format_amount
from flashcoop.core.principal import Principal


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


async def _sums(principal: Principal, period: Period, tz: ZoneInfo) -> tuple[int, dict[str, int]]:
    """(cohorts, column → sum) over the principal's closed cohorts in the period (in `tz`
    days). Two queries whatever the number of cohorts: those without fresh figures (closed
    before figures were stored, or changed since), then the sum of the others' stored rows,
    in the database. The first ones are computed here from the raw data and stored for the
    next reader."""
    closed = visible_cohorts(principal).filter(status=CLOSED, **_bounds(period, tz))
    fresh = CohortFigures.filter(stale=False).values("cohort_id")
    todo = await closed.exclude(id__in=Subquery(fresh)).values(
        "id", "timezone", "closed_at", "ends_at"
    )
    computed: dict[str, dict[str, int]] = {}
    if todo:
        ids = [str(c["id"]) for c in todo]
        rows = await CohortFigures.filter(cohort_id__in=ids).values("cohort_id", "revision")
        revisions: dict[str, int | None] = dict.fromkeys(ids)
        revisions.update({str(r["cohort_id"]): int(r["revision"]) for r in rows})
        due = [Due(c["id"], ZoneInfo(c["timezone"]), c["closed_at"] or c["ends_at"]) for c in todo]
        computed = await store_figures(due, revisions)
    # Every other closed cohort has a row: fresh, or marked stale since the query above (then
    # counted as it was a moment ago, as a read made a moment earlier would have).
    stored = CohortFigures.filter(cohort_id__in=Subquery(closed.values("id")))
    if todo:
        stored = stored.exclude(cohort_id__in=[c["id"] for c in todo])
    totals = {f"sum_{name}": Sum(name) for name in COLUMNS}
    found = await stored.annotate(cohorts=Count("id"), **totals).values("cohorts", *totals)
    row = found[0] if found else {}
    sums = {name: int(row.get(f"sum_{name}") or 0) for name in COLUMNS}
    for figures in computed.values():
        for name in COLUMNS:
            sums[name] += int(figures[name])
    return int(row.get("cohorts") or 0) + len(computed), sums


async def build_indicators(principal: Principal, period: Period, *, tz: ZoneInfo) -> Indicators:
    """Figures across the principal's closed cohorts in the period, suppressed below 3."""
    cohorts, sums = await _sums(principal, period, tz)

    def split(name: str) -> tuple[Count_, ...]:
        return tuple(shown(k, sums[column(name, k)], FUNDER) for k in CATEGORIES[name])

    return Indicators(
        period=period,
        cohorts=cohorts,
        participants=sums["participants"],
        planned_minutes=sums["planned_minutes"],
        attended_minutes=sums["attended_minutes"],
        sales_cents=sums["sales_cents"],
        surplus_cents=sums["surplus_cents"],
        certificates_issued=sums["certificates_issued"],
        genders=split("gender"),
        age_bands=split("age"),
        outcomes=split("outcome"),
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
