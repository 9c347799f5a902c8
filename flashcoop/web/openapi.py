"""GET /api/openapi.json: the API contract, assembled from each domain's description.

Each domain describes its own paths (its `openapi.py`, built with the helpers below) and
declares them in its domain declaration; tests/test_openapi.py fails when an /api route of the
app is not described, or the reverse.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop import __version__

Schema = dict[str, Any]

MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "12.50"}
UUID: Schema = {"type": "string", "format": "uuid"}
TIME: Schema = {"type": "string", "format": "date-time"}
TEXT: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
# The limits the server enforces on what clients send (core.fields; API.md "Limits").
NAME: Schema = {"type": "string", "minLength": 1, "maxLength": 80}  # display and person names
TITLE: Schema = {"type": "string", "minLength": 1, "maxLength": 120}  # cohort, workshop, label
LONG_TEXT: Schema = {"type": "string", "maxLength": 2000}  # descriptions, notes, reasons
PIN: Schema = {"type": "string", "pattern": "^[0-9]{4,6}$"}
# An amount sent: at most two decimals, comma or point; a whole number of euros may be a JSON
# integer. It must also be > 0 and within the ceiling (422 otherwise).
AMOUNT: Schema = {
    "type": ["string", "integer"],
    "pattern": r"^\d{1,9}([.,]\d{1,2})?$",
    "example": "12.50",
}
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


def optional(schema: Schema) -> Schema:
    """An optional field: null is read as absent, like a missing field (core.fields)."""
    return {**schema, "type": [schema["type"], "null"]}


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
    also: tuple[int, ...] = (),
) -> Schema:
    """One operation; `also` lists other success codes with the same body (the 200 of a
    replayed write that returns what is already stored)."""
    operation: Schema = {
        "summary": summary,
        "responses": {
            str(status): {"description": "OK", "content": {media: {"schema": response or {}}}}
            for status in (ok, *also)
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


C = ["cohort_id"]
W = ["workshop_id"]


def spec(paths: dict[str, Any]) -> dict[str, object]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "flashcoop", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(spec(request.app.state.house.openapi_paths))


routes = [Route("/api/openapi.json", openapi_json, methods=["GET"])]
