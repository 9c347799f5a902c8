"""OpenAPI description of reports, outcomes and indicators (see ../shared/API.md)."""

from __future__ import annotations

from typing import Any

from flashcoop.closure.indicators import SPLITS, TOTALS
from flashcoop.closure.models import SITUATIONS
from flashcoop.web.openapi import INT, MONEY, TEXT, TIME, UUID, C, items_of, obj, op, optional

NUMBER = {"type": "number"}
COUNT = obj(
    ["value", "count"],
    value=TEXT,
    count={"type": ["integer", "null"]},
    suppressed={"type": "boolean", "description": "true when fewer than 3 people"},
)
COUNTS = {"type": "array", "items": COUNT}
REPORT_ERRORS = (401, 403, 404, 409, 422)
REPORT = obj(
    [
        "cohort",
        "period",
        "participants",
        "attendance_rate",
        "training_hours",
        "sales",
        "expenses",
        "surplus",
        "shares",
        "certificates_issued",
        "outcomes",
        "ledger_head",
    ],
    kind={"enum": ["closure", "followup"]},
    version=INT,
    audience={"enum": ["staff", "funder"]},
    cohort=obj(["id", "name"], id=UUID, name=TEXT, activity=TEXT, structure=TEXT),
    period=obj(["starts_at", "ends_at", "closed_at"], starts_at=TIME, ends_at=TIME, closed_at=TIME),
    participants=INT,
    attendance_rate={**NUMBER, "description": "attended over planned minutes, 0 to 1"},
    planned_hours=NUMBER,
    training_hours={**NUMBER, "description": "hours attended, summed over participants"},
    sales=MONEY,
    expenses=MONEY,
    surplus=MONEY,
    shares={
        "type": "array",
        "items": obj(["participant", "amount"], participant=TEXT, amount=MONEY),
    },
    certificates_issued=INT,
    outcomes={
        "type": "array",
        "items": obj(
            ["situation", "count"],
            situation=TEXT,
            count={"type": ["integer", "null"]},
            suppressed={"type": "boolean"},
        ),
    },
    by_gender=COUNTS,
    by_age_band=COUNTS,
    ledger_entries=INT,
    ledger_head=TEXT,
)
OUTCOME = obj(
    ["participant_id", "situation", "recorded_at"],
    participant_id=UUID,
    situation={"enum": list(SITUATIONS)},
    note=TEXT,
    recorded_at=TIME,
    recorded_by={"type": ["integer", "null"]},
)
INDICATORS = obj(
    [*TOTALS, *SPLITS],
    cohorts=INT,
    participants=INT,
    attendance_rate=NUMBER,
    training_hours=NUMBER,
    sales=MONEY,
    surplus=MONEY,
    certificates_issued=INT,
    by_gender=COUNTS,
    by_age_band=COUNTS,
    by_outcome=COUNTS,
)
URLS = obj(json=TEXT, csv=TEXT, pdf=TEXT)


def _download(fmt: str, media: str) -> dict[str, Any]:
    summary = (
        f"The closure report as {fmt.upper()} (staff, the cohort's funders, admin); "
        "?version=n for follow-up report n. Served byte for byte as stored."
    )
    return {
        "get": op(
            summary,
            params=C,
            media=media,
            response=REPORT if fmt == "json" else None,
            errors=REPORT_ERRORS,
        )
    }


PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/report.json": _download("json", "application/json"),
    "/api/v1/cohorts/{cohort_id}/report.csv": _download("csv", "text/csv"),
    "/api/v1/cohorts/{cohort_id}/report.pdf": _download("pdf", "application/pdf"),
    "/api/v1/cohorts/{cohort_id}/reports": {
        "get": op(
            "The stored reports of a closed cohort (closure report, follow-ups)",
            params=C,
            response=items_of(
                obj(kind=TEXT, version=INT, created_at=TIME, urls=URLS),
            ),
        )
    },
    "/api/v1/cohorts/{cohort_id}/followup-reports": {
        "post": op(
            "Store a follow-up report with the situations recorded since closure (staff)",
            ok=201,
            params=C,
            response=obj(["version"], kind=TEXT, version=INT, urls=URLS),
            errors=(401, 403, 404, 409),
        )
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/outcome": {
        "put": op(
            "Record a participant's situation at exit (staff); history kept; until 12 months "
            "after closure",
            params=[*C, "participant_id"],
            body=obj(
                ["situation"],
                situation={"enum": list(SITUATIONS)},
                note=optional({"type": "string", "maxLength": 2000}),
            ),
            response={**OUTCOME, "properties": {**OUTCOME["properties"], "history_count": INT}},
            errors=(400, 401, 403, 404, 409, 422),
        ),
        "get": op(
            "A participant's latest situation and its history (staff)",
            params=[*C, "participant_id"],
            response=obj(
                ["latest", "history"],
                participant_id=UUID,
                latest={"oneOf": [OUTCOME, {"type": "null"}]},
                history={"type": "array", "items": OUTCOME},
            ),
        ),
    },
    "/api/v1/indicators": {
        "get": op(
            "Indicators across the caller's closed cohorts (funder, admin); ?from=&to= dates "
            "filter by closure date; counts below 3 suppressed",
            response=INDICATORS,
            errors=(401, 403, 422),
        )
    },
    "/api/v1/indicators.csv": {
        "get": op(
            "The indicators as CSV (indicator,value,count,suppressed)",
            media="text/csv",
            errors=(401, 403, 422),
        )
    },
}
