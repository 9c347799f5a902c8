"""Pages: the kernel's Jinja environment plus the request, its CSRF token and who is signed in."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from flashcoop.core import i18n
from flashcoop.core.templating import ENV
from flashcoop.web.easy import easy_read
from flashcoop.web.security import CSRF_FIELD, csrf_token
from flashcoop.web.static import static_url

# Macros imported from _partials.html do not see the page's context, so the CSRF token of the
# request being rendered is also reachable as a global function, `csrf_value()`.
_csrf_current: ContextVar[str] = ContextVar("flashcoop_csrf", default="")
ENV.globals["csrf_field_name"] = CSRF_FIELD
ENV.globals["csrf_value"] = _csrf_current.get
ENV.globals["static_url"] = static_url
ENV.globals["easy_read"] = easy_read  # for macros, which do not see the page's context


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    token = csrf_token(request.session)
    _csrf_current.set(token)
    ctx = {
        "request": request,
        "csrf_token": token,
        "principal": request.scope.get("flashcoop.principal"),
        "settings": request.app.state.settings,
        "language": i18n.current_language(),
        "easy": easy_read(),
        **(context or {}),
    }
    html = ENV.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status)
