"""JSON helpers shared by every API module: bodies, errors, lists."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from flashcoop.core import i18n
from flashcoop.core.errors import N_, CoreError, DomainError, ValidationError


class MalformedBody(DomainError):
    status = 400

    def __init__(self, message: str = N_("The request body is not a JSON object.")) -> None:
        super().__init__(CoreError.MALFORMED, message)


UNSTORABLE = N_(
    "The body holds what cannot be stored: a NUL character, a lone surrogate, "
    "a number beyond 64 bits, or nesting deeper than 32 levels."
)
MAX_DEPTH = 32
INT64 = 2**63
# NUL and lone surrogates, searched in C rather than character by character in Python.
_UNSTORABLE_CHARS = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any, depth: int = 0) -> bool:
    """False for what no database column takes (and PostgreSQL refuses with an error)."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return _UNSTORABLE_CHARS.search(value) is None
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -INT64 <= value < INT64
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    if isinstance(value, list):
        return all(_storable(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(_storable(k, depth + 1) and _storable(v, depth + 1) for k, v in value.items())
    return False


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object whose every value a database can store; 400 otherwise."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise MalformedBody()
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedBody() from exc
    if not isinstance(data, dict):
        raise MalformedBody()
    if not _storable(data):
        raise MalformedBody(UNSTORABLE)
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


def attachment(
    body: bytes | str,
    media_type: str,
    filename: str,
    *,
    inline: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """A file to download (or show, `inline`), private and never cached.

    Names carry accents and any script (a cohort's, a member's): the header gives an ASCII
    fallback and the exact name in RFC 6266's `filename*`, since a header is latin-1 only."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename)
        .encode("ascii", "ignore")
        .decode()
        .replace('"', "")
        .replace("\\", "")
        or "download"
    )
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "Cache-Control": "private, no-store",
            **(headers or {}),
        },
    )
