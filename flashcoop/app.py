"""create_app(settings) -> Starlette: middleware, the routes of the installed domains, and a
lifespan that opens the database and starts the scheduler with the domains' jobs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from flashcoop.core import db, i18n, pdf
from flashcoop.core.errors import N_, CoreError, DomainError, NotFound, Refused
from flashcoop.core.settings import Settings
from flashcoop.domains import house
from flashcoop.web import openapi, pages, static
from flashcoop.web.api import error_json
from flashcoop.web.easy import EasyReadMiddleware
from flashcoop.web.retry import RetryReadsMiddleware
from flashcoop.web.security import BodyLimitMiddleware, CSRFMiddleware, SecurityHeadersMiddleware
from flashcoop.web.templating import render

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class LanguageMiddleware:
    """Language of this request: the `lang` cookie, else the browser's Accept-Language."""

    def __init__(self, app: ASGIApp, *, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            chosen = request.cookies.get("lang")
            if chosen not in i18n.LANGUAGES:
                chosen = i18n.negotiate(request.headers.get("accept-language", ""), self.default)
            i18n.set_language(chosen)
        await self.app(scope, receive, send)


def all_routes() -> list[BaseRoute]:
    """The shared pages, then every installed domain's routes, then the static files."""
    return [
        *pages.routes,
        *openapi.routes,
        *house().routes,
        *static.routes,
        Mount("/static", app=static.CachedStaticFiles(directory=STATIC_DIR), name="static"),
    ]


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if request.url.path.startswith("/api/"):
        return error_json(exc)
    if exc.status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(request, "error.html", {"error": exc}, status=exc.status)


async def _not_found(request: Request, exc: Exception) -> Response:
    return await _domain_error(request, NotFound())


async def _http_error(request: Request, exc: Exception) -> Response:
    # Starlette's own refusals (a method a route does not take, ...): the API keeps its shape.
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    if not request.url.path.startswith("/api/"):
        return Response(exc.detail, status_code=exc.status_code, headers=exc.headers)
    if exc.status_code == 405:
        refusal = Refused(405, CoreError.METHOD_NOT_ALLOWED, N_("This method is not allowed here."))
    else:
        refusal = Refused(exc.status_code, CoreError.MALFORMED, N_("The request is not valid."))
    return error_json(refusal)


async def _server_error(request: Request, exc: Exception) -> Response:
    # Logged by Starlette with its traceback; the client gets no detail of it. A database
    # that cannot be reached is 503, as /healthz says: the client may retry later.
    if db.is_unavailable(exc):
        refusal = Refused(
            503, CoreError.DATABASE_UNAVAILABLE, N_("The service is unavailable: try again soon.")
        )
    else:
        refusal = Refused(500, CoreError.SERVER_ERROR, N_("Something went wrong on our side."))
    if request.url.path.startswith("/api/"):
        return error_json(refusal)
    return render(request, "error.html", {"error": refusal}, status=refusal.status)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        await db.init_db(settings.database_url)
        pdf.configure(settings.pdf_workers)
        scheduler = None
        if settings.scheduler:
            from flashcoop.core.scheduler import start_scheduler

            scheduler = start_scheduler(settings, house().jobs)
        try:
            yield {}
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await pdf.aclose()  # the rendering processes end with the app
            await db.close_db()

    middleware = [
        Middleware(GZipMiddleware, minimum_size=500),  # phones on slow data: compress pages
        Middleware(SecurityHeadersMiddleware, https=settings.https),
        Middleware(BodyLimitMiddleware),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="flashcoop_session",
            max_age=settings.participant_session_days * 86400,
            same_site="lax",
            https_only=settings.https,
        ),
        Middleware(LanguageMiddleware, default=settings.default_language),
        Middleware(EasyReadMiddleware, https=settings.https),
        Middleware(CSRFMiddleware),
        Middleware(RetryReadsMiddleware),  # innermost: a read retried runs only the route again
    ]
    app = Starlette(
        routes=all_routes(),
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            DomainError: _domain_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.settings = settings
    app.state.house = house()
    return app
