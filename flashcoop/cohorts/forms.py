"""The launch form's fields ↔ the body `launch.read_cohort` reads (no HTTP here)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flashcoop.core.errors import Text

PRODUCT_ROWS = 8
TEXT_FIELDS = ("name", "activity", "location", "starts_at", "ends_at", "timezone")
CHOICE_FIELDS = ("surplus_rule", "framework", "programme", "attendance_threshold", "structure_id")
# Offered in the timezone datalist; any other IANA name typed in is accepted too.
COMMON_ZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/Montreal",
    "America/Guadeloupe",
    "America/Martinique",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Africa/Dakar",
    "Africa/Abidjan",
    "UTC",
)


def default_values(now: datetime, timezone: str) -> dict[str, Any]:
    """A form that is almost ready: starts now, ends in two weeks at 18:00."""
    local = now.astimezone(ZoneInfo(timezone)).replace(second=0, microsecond=0)
    end = (local + timedelta(days=14)).replace(hour=18, minute=0)
    return {
        "timezone": timezone,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "surplus_rule": "equal",
        "framework": "entrecomp",
        "programme": "flashcoop-7-days",
        "attendance_threshold": "70",
        "products": [{"label": "", "price": ""} for _ in range(PRODUCT_ROWS)],
        "funders": [],
    }


def read_launch_form(form: Any) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """(data for create_cohort, values to redisplay, form row of each product sent).

    Empty product rows are skipped; the row list maps the service's product index back to
    the row the facilitator typed in, so an error shows next to the right row.
    """
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS + CHOICE_FIELDS:
        values[name] = str(form.get(name, "") or "")
    rows: list[dict[str, str]] = []
    index = 0
    while f"product_label_{index}" in form or f"product_price_{index}" in form:
        rows.append(
            {
                "label": str(form.get(f"product_label_{index}", "") or ""),
                "price": str(form.get(f"product_price_{index}", "") or ""),
            }
        )
        index += 1
        if index > 200:  # more rows than anyone types: the service reports the limit
            break
    values["products"] = rows + [
        {"label": "", "price": ""} for _ in range(max(0, PRODUCT_ROWS - len(rows)))
    ]
    values["funders"] = [str(v) for v in form.getlist("funders")]

    data: dict[str, Any] = {k: v for k, v in values.items() if k not in ("products", "funders")}
    data = {k: v for k, v in data.items() if v != "" or k in ("name", "activity")}
    products: list[dict[str, str]] = []
    sent_rows: list[int] = []
    for row_index, row in enumerate(rows):
        if row["label"].strip() or row["price"].strip():
            products.append({"label": row["label"], "price": row["price"].strip()})
            sent_rows.append(row_index)
    data["products"] = products
    data["funders"] = values["funders"]
    return data, values, sent_rows


def errors_for_rows(errors: Mapping[str, Text], sent_rows: list[int]) -> dict[str, Text]:
    """Rename `products.<i>.price` (service index) to `products.<row>.price` (form row)."""
    renamed: dict[str, Text] = {}
    for name, text in errors.items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "products" and parts[1].isdigit():
            position = int(parts[1])
            if position < len(sent_rows):
                parts[1] = str(sent_rows[position])
            name = ".".join(parts)
        renamed[name] = text
    return renamed
