"""Pages every user shares: home redirect, login, logout, language switch, health."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from tortoise import Tortoise

from flashcoop.accounts.services import authenticate, check_rate, rate_key, record_failure
from flashcoop.errors import N_, RateLimited, Text
from flashcoop.i18n import LANGUAGES
from flashcoop.web.auth import get_principal, settings_of, sign_in_user, sign_out
from flashcoop.web.templating import render

LOGIN_WINDOW = timedelta(minutes=15)
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
        return RedirectResponse("/cohorts", status_code=303)
    return RedirectResponse("/cohorts", status_code=303)


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"next": next_url, "errors": {}})
    form = await request.form()
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")) or None)
    settings = settings_of(request)
    keys = [rate_key("login", client_address(request)), rate_key("login-email", email.lower())]
    try:
        for key in keys:
            await check_rate(key, limit=settings.login_max_failures, window=LOGIN_WINDOW)
    except RateLimited as exc:
        context = {"next": next_url, "email": email, "errors": {"form": exc.text}}
        return render(request, "accounts/login.html", context, status=429)
    user = await authenticate(email, password)
    if user is None:
        for key in keys:
            await record_failure(key)
        errors = {"form": Text(N_("Wrong e-mail or password."))}
        context = {"next": next_url, "email": email, "errors": errors}
        return render(request, "accounts/login.html", context, status=400)
    sign_in_user(request, user)
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


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
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/lang", switch_language, methods=["POST"]),
    Route("/healthz", healthz),
]
