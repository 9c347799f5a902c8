"""JSON helpers shared by every API module: bodies, errors, lists."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from flashcoop.core import i18n
from flashcoop.core.errors import CoreError, DomainError, ValidationError


class MalformedBody(DomainError):
    status = 400

    def __init__(self) -> None:
        super().__init__(CoreError.MALFORMED, "The request body is not a JSON object.")


async def json_body(request: Request) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise MalformedBody()
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody() from exc
    if not isinstance(data, dict):
        raise MalformedBody()
    return data


def error_json(exc: DomainError) -> JSONResponse:
    payload: dict[str, Any] = {"code": exc.code, "message": exc.text.render(i18n.gettext)}
    if isinstance(exc, ValidationError):
        payload["fields"] = {k: v.render(i18n.gettext) for k, v in exc.fields.items()}
    headers = {"Retry-After": "600"} if exc.status == 429 else None
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"error": payload}, status_code=exc.status, headers=headers)


def listing(items: list[Any], next_cursor: str | int | None = None) -> JSONResponse:
    return JSONResponse({"items": items, "next": next_cursor})


def iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
