"""What every page shares: the home redirect, the language switch, health, safe redirects."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from tortoise import Tortoise

from flashcoop.core.i18n import LANGUAGES
from flashcoop.web.auth import get_principal, settings_of

log = logging.getLogger("flashcoop")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never bounce a login to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


async def home(request: Request) -> Response:
    principal = await get_principal(request)
    if principal.participant is not None:
        return RedirectResponse("/me", status_code=303)
    if principal.user is None:
        return RedirectResponse("/login", status_code=303)
    if principal.user.role == "funder":
        return RedirectResponse("/funder", status_code=303)  # the funder portal
    return RedirectResponse("/cohorts", status_code=303)


async def switch_language(request: Request) -> Response:
    form = await request.form()
    language = str(form.get("lang", ""))
    target = safe_next(str(form.get("next", "")) or None)
    response = RedirectResponse(target, status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            "lang",
            language,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=settings_of(request).https,
        )
    return response


async def healthz(request: Request) -> Response:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:  # any failure of the database means "not healthy"
        log.exception("health check: database unreachable")
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


routes = [
    Route("/", home),
    Route("/lang", switch_language, methods=["POST"]),
    Route("/healthz", healthz),
]
