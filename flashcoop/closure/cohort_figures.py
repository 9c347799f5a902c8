"""Each closed cohort's indicator figures, computed once and stored (`CohortFigures`).

The closure's "figures" step stores them; funders' indicators then read one row per cohort
instead of re-aggregating members, attendance, certificates and outcomes of every cohort on
each request. A cohort closed before this existed has no row: the first reader computes it
from the raw data and stores it (lazy backfill). When something counted changes after closure
(a follow-up outcome, a profile erased or withdrawn, a certificate issued late), the row is
marked stale (closure.models.mark_figures_stale) and the next reader recomputes it, so the
stored figures always equal what the raw data says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.functions import Count, Sum

from flashcoop.certificates.models import Certificate
from flashcoop.closure.figures import AGE_BANDS, NOT_RECORDED, UNKNOWN, age_band, latest_outcomes
from flashcoop.closure.models import SITUATIONS, Closure, CohortFigures
from flashcoop.cohorts.models import GENDERS, Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.workshops.models import ATTENDED, SCHEDULED, Attendance, Workshop

# Each split's categories, in the order of the indicators, and their stored column prefix.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "gender": (*GENDERS, UNKNOWN),
    "age": AGE_BANDS,
    "outcome": (*SITUATIONS, NOT_RECORDED),
}
TOTALS = (
    "participants",
    "planned_minutes",
    "attended_minutes",
    "sales_cents",
    "surplus_cents",
    "certificates_issued",
)


def column(split: str, key: str) -> str:
    return f"{split}_{key}"


COLUMNS = (*TOTALS, *(column(split, key) for split, keys in CATEGORIES.items() for key in keys))
_missing = set(COLUMNS) - set(CohortFigures._meta.fields_map)
if _missing:  # a category added without its column: fail at import, not in a funder's report
    raise RuntimeError(f"CohortFigures lacks the columns {sorted(_missing)}")


@dataclass(frozen=True)
class Due:
    """A closed cohort whose figures are to be computed: its id, zone and closure moment."""

    cohort_id: Any
    tz: Any
    closed_at: datetime


def due(cohort: Cohort, closed_at: datetime | None = None) -> Due:
    moment = closed_at or cohort.closed_at or cohort.ends_at
    return Due(cohort.id, cohort.tz, moment)


async def _by_cohort(query: Any, key: str, total: Any) -> dict[str, int]:
    rows = await query.annotate(total=total).group_by(key).values(key, "total")
    return {str(r[key]): int(r["total"] or 0) for r in rows}


async def compute_figures(cohorts: list[Due]) -> dict[str, dict[str, Any]]:
    """Cohort id → its stored columns, from the raw data, in a fixed number of queries
    whatever the number of cohorts (the same counts the indicators made before they were
    stored: every member row, scheduled workshops, attended minutes, latest situation)."""
    if not cohorts:
        return {}
    ids = [c.cohort_id for c in cohorts]
    people = await Participant.filter(cohort_id__in=ids).values(
        "id", "cohort_id", "gender", "birth_year"
    )
    planned = await _by_cohort(
        Workshop.filter(cohort_id__in=ids, status=SCHEDULED), "cohort_id", Sum("duration_minutes")
    )
    attended = await _by_cohort(
        Attendance.filter(
            workshop__cohort_id__in=ids, workshop__status=SCHEDULED, status__in=ATTENDED
        ),
        "workshop__cohort_id",
        Sum("workshop__duration_minutes"),
    )
    certificates = await _by_cohort(Certificate.filter(cohort_id__in=ids), "cohort_id", Count("id"))
    money = {
        str(r["cohort_id"]): r
        for r in await Closure.filter(cohort_id__in=ids).values(
            "cohort_id", "sales_cents", "surplus_cents"
        )
    }
    outcomes = await latest_outcomes(ids)
    by_cohort: dict[str, list[dict[str, Any]]] = {}
    for person in people:
        by_cohort.setdefault(str(person["cohort_id"]), []).append(person)
    found: dict[str, dict[str, Any]] = {}
    for cohort in cohorts:
        key = str(cohort.cohort_id)
        at = cohort.closed_at.astimezone(cohort.tz)
        members = by_cohort.get(key, [])
        situations = Counter(
            outcomes[str(p["id"])].situation if str(p["id"]) in outcomes else NOT_RECORDED
            for p in members
        )
        closure = money.get(key, {})
        counts = {
            "gender": Counter(p["gender"] if p["gender"] in GENDERS else UNKNOWN for p in members),
            "age": Counter(age_band(p["birth_year"], at) for p in members),
            "outcome": situations,
        }
        found[key] = {
            "participants": len(members),
            "planned_minutes": planned.get(key, 0) * len(members),
            "attended_minutes": attended.get(key, 0),
            "sales_cents": int(closure.get("sales_cents") or 0),
            "surplus_cents": int(closure.get("surplus_cents") or 0),
            "certificates_issued": certificates.get(key, 0),
            **{
                column(split, k): counts[split].get(k, 0)
                for split, keys in CATEGORIES.items()
                for k in keys
            },
        }
    return found


async def store_figures(
    cohorts: list[Due], revisions: dict[str, int | None]
) -> dict[str, dict[str, Any]]:
    """Compute and store the figures of `cohorts`; `revisions` maps each to the revision of
    its stale row as read before computing (None: no row). A row whose revision moved since
    (a change came in) stays stale for the next reader; the figures are returned anyway, as
    fresh as this reader's data."""
    found = await compute_figures(cohorts)
    now = utcnow()
    missing = [
        CohortFigures(cohort_id=key, stale=False, computed_at=now, **found[key])
        for key in (str(c.cohort_id) for c in cohorts)
        if revisions.get(key) is None
    ]
    if missing:
        # A row created meanwhile (a change marked it stale) wins: it is recomputed next time.
        await CohortFigures.bulk_create(missing, ignore_conflicts=True)
    for key, revision in revisions.items():
        if revision is not None:
            await CohortFigures.filter(cohort_id=key, revision=revision).update(
                stale=False, computed_at=now, **found[key]
            )
    return found


async def store_closure_figures(cohort: Cohort, closed_at: datetime) -> bool:
    """The closure's step: store the cohort's figures unless a fresh row is there already
    (a resumed closure writes them once). True when this call stored them."""
    rows = await CohortFigures.filter(cohort_id=cohort.id).values("stale", "revision")
    if rows and not rows[0]["stale"]:
        return False
    revision = int(rows[0]["revision"]) if rows else None
    await store_figures([due(cohort, closed_at)], {str(cohort.id): revision})
    return True
