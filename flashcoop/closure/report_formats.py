"""The closure report as JSON and as CSV: two renderings of the same `ClosureFigures`.

The CSV is one flat table, `section,item,detail,value`, so that a spreadsheet or a data
warehouse reads every section with one parser; a suppressed count is an empty value with
`suppressed` in the detail column. Written by the house's one CSV writer (UTF-8 with a BOM, no
cell a spreadsheet could run as a formula).
"""

from __future__ import annotations

import json
from typing import Any

from flashcoop.closure.figures import ClosureFigures, Count_
from flashcoop.core.csvfile import csv_bytes
from flashcoop.core.fields import format_amount

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def _iso(moment: Any) -> str:
    return moment.isoformat()


def counts_json(items: tuple[Count_, ...], key: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {key: item.key, "count": item.value}
        if item.suppressed:
            entry["suppressed"] = True
        out.append(entry)
    return out


def report_data(figures: ClosureFigures) -> dict[str, Any]:
    """The report as a JSON-ready dict: money as "12.50" strings, times in ISO 8601."""
    tz = figures.timezone
    staff = figures.audience == "staff"
    data: dict[str, Any] = {
        "kind": figures.kind,
        "version": figures.version,
        "audience": figures.audience,
        "generated_at": _iso(figures.generated_at),
        "outcomes_as_of": _iso(figures.as_of),
        "cohort": {
            "id": figures.cohort_id,
            "name": figures.cohort_name,
            "activity": figures.activity,
            "structure": figures.structure,
            "timezone": tz,
            "currency": figures.currency,
        },
        "period": {
            "starts_at": _iso(figures.starts_at),
            "ends_at": _iso(figures.ends_at),
            "closed_at": _iso(figures.closed_at),
        },
        "participants": figures.participants,
        "attendance_rate": figures.attendance_rate,
        "planned_hours": figures.planned_hours,
        "training_hours": figures.training_hours,
        "sales": format_amount(figures.sales_cents),
        "expenses": format_amount(figures.expenses_cents),
        "surplus": format_amount(figures.surplus_cents),
        "surplus_rule": figures.surplus_rule,
        "shares": [
            {"participant": p.label, "amount": format_amount(p.share_cents)}
            for p in figures.people
            if p.share_cents is not None
        ],
        "hours": [{"participant": p.label, "hours": p.hours} for p in figures.people],
        "sales_by_day": [
            {"day": day, "amount": format_amount(cents)} for day, cents in figures.sales_by_day
        ],
        "skills": [
            {
                "competence": s.code,
                "label": s.label,
                "levels": [
                    {**c, "level": int(c.pop("level"))} for c in counts_json(s.levels, "level")
                ],
            }
            for s in figures.skills
        ],
        "certificates_issued": figures.certificates_issued,
        "outcomes": counts_json(figures.outcomes, "situation"),
        "by_gender": counts_json(figures.genders, "value"),
        "by_age_band": counts_json(figures.age_bands, "value"),
        "ledger_entries": figures.ledger_entries,
        "ledger_head": figures.ledger_head,
    }
    if staff:
        data["outcomes_by_participant"] = [
            {"participant": p.label, "situation": p.situation, "note": p.note}
            for p in figures.people
        ]
    return data


def render_json(figures: ClosureFigures) -> bytes:
    return json.dumps(report_data(figures), ensure_ascii=False, indent=2).encode("utf-8")


def _value(count: Count_) -> tuple[str, str]:
    return ("suppressed", "") if count.suppressed else ("", str(count.value))


def render_csv(figures: ClosureFigures) -> bytes:
    data = report_data(figures)
    rows: list[list[Any]] = []
    row = rows.append
    for key, value in data["cohort"].items():
        row(["cohort", key, "", value])
    for key, value in data["period"].items():
        row(["period", key, "", value])
    for key in (
        "participants",
        "attendance_rate",
        "planned_hours",
        "training_hours",
        "certificates_issued",
        "ledger_entries",
        "ledger_head",
    ):
        row(["summary", key, "", data[key]])
    for key in ("sales", "expenses", "surplus", "surplus_rule"):
        row(["accounts", key, figures.currency if key != "surplus_rule" else "", data[key]])
    for share in data["shares"]:
        row(["shares", share["participant"], figures.currency, share["amount"]])
    for line in data["hours"]:
        row(["hours", line["participant"], "", f"{line['hours']:.2f}"])
    for day in data["sales_by_day"]:
        row(["sales_by_day", day["day"], figures.currency, day["amount"]])
    for skill in figures.skills:
        for level in skill.levels:
            detail, value = _value(level)
            row(["skills", f"{skill.code}:{level.key}", detail, value])
    for section, counts in (
        ("outcomes", figures.outcomes),
        ("by_gender", figures.genders),
        ("by_age_band", figures.age_bands),
    ):
        for count in counts:
            detail, value = _value(count)
            row([section, count.key, detail, value])
    for line in data.get("outcomes_by_participant", []):
        row(["outcomes_by_participant", line["participant"], line["note"], line["situation"]])
    return csv_bytes(["section", "item", "detail", "value"], rows)
