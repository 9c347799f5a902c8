"""Schemas and helpers for the OpenAPI document (flashcoop/openapi_paths.py uses them)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "12.50"}
UUID: Schema = {"type": "string", "format": "uuid"}
TIME: Schema = {"type": "string", "format": "date-time"}
TEXT: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
ERROR: Schema = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": TEXT,
                "message": TEXT,
                "fields": {"type": "object", "additionalProperties": TEXT},
            },
            "required": ["code", "message"],
        }
    },
}


def obj(required: list[str] | None = None, **props: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def items_of(item: Schema) -> Schema:
    return obj(["items", "next"], items={"type": "array", "items": item}, next={})


def op(
    summary: str,
    *,
    ok: int = 200,
    response: Schema | None = None,
    body: Schema | None = None,
    errors: tuple[int, ...] = (401, 403, 404),
    media: str = "application/json",
    public: bool = False,
    params: list[str] | None = None,
) -> Schema:
    operation: Schema = {
        "summary": summary,
        "responses": {
            str(ok): {"description": "OK", "content": {media: {"schema": response or {}}}}
        },
    }
    for status in errors:
        operation["responses"][str(status)] = {
            "description": "Error",
            "content": {"application/json": {"schema": ERROR}},
        }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if public:
        operation["security"] = []
    if params:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": TEXT} for name in params
        ]
    return operation


COHORT = obj(
    ["id", "name", "activity", "status", "starts_at", "ends_at", "timezone", "currency"],
    id=UUID,
    name=TEXT,
    activity=TEXT,
    location=TEXT,
    status={"enum": ["scheduled", "active", "closing", "closed"]},
    starts_at=TIME,
    ends_at=TIME,
    timezone=TEXT,
    currency=TEXT,
    surplus_rule={"enum": ["equal", "hours", "sales"]},
    framework=TEXT,
    attendance_threshold=INT,
    programme=TEXT,
    joining_open=BOOL,
    join_code=TEXT,
    join_url=TEXT,
    join_qr_url=TEXT,
    poster_url=TEXT,
    products={"type": "array", "items": obj(label=TEXT, price=MONEY)},
)
COHORT_IN = obj(
    ["name", "activity", "starts_at", "ends_at"],
    name=TEXT,
    activity=TEXT,
    location=TEXT,
    starts_at=TIME,
    ends_at=TIME,
    timezone=TEXT,
    currency=TEXT,
    surplus_rule={"enum": ["equal", "hours", "sales"]},
    framework={"enum": ["entrecomp"]},
    attendance_threshold=INT,
    products={"type": "array", "items": obj(["label", "price"], label=TEXT, price=MONEY)},
    programme={"enum": ["flashcoop-7-days", "none"]},
    funders={"type": "array", "items": INT},
)
PARTICIPANT = obj(["id", "cohort_id", "display_name"], id=UUID, cohort_id=UUID, display_name=TEXT)
ENTRY = obj(
    ["id", "seq", "kind", "amount", "label", "hash"],
    id=UUID,
    seq=INT,
    kind={"enum": ["sale", "expense", "reversal"]},
    amount=MONEY,
    quantity=INT,
    label=TEXT,
    payment_method={"enum": ["cash", "card", "transfer", "other"]},
    participant_id={"type": ["string", "null"]},
    occurred_at=TIME,
    recorded_at=TIME,
    reverses={"type": ["string", "null"]},
    hash=TEXT,
)
WORKSHOP = obj(
    ["id", "title", "starts_at", "ends_at", "status"],
    id=UUID,
    title=TEXT,
    starts_at=TIME,
    ends_at=TIME,
    status=TEXT,
    location=TEXT,
    description=TEXT,
    competences={"type": "array", "items": TEXT},
)
ATTENDANCE = obj(
    ["participant_id", "status"],
    participant_id=UUID,
    status={"enum": ["present", "late", "absent", "excused"]},
    checked_in_at={"type": ["string", "null"]},
    method=TEXT,
)
USER = obj(
    ["id", "email", "role"],
    id=INT,
    email=TEXT,
    name=TEXT,
    role=TEXT,
    organisation_id={"type": ["integer", "null"]},
    is_active=BOOL,
)
TOKEN = obj(
    ["id", "name", "revoked"],
    id=INT,
    name=TEXT,
    created_at=TIME,
    last_used_at={"type": ["string", "null"]},
    revoked=BOOL,
)
C = ["cohort_id"]
W = ["workshop_id"]
