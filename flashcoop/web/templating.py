"""One Jinja environment with gettext, money and local-time filters; `render` for pages."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from flashcoop import i18n
from flashcoop.errors import Text
from flashcoop.web.security import CSRF_FIELD, csrf_token

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
# Macros imported from _partials.html do not see the page's context, so the CSRF token of the
# request being rendered is also reachable as a global function, `csrf_value()`.
_csrf_current: ContextVar[str] = ContextVar("flashcoop_csrf", default="")


def _local(
    moment: datetime | None, tz: str | ZoneInfo = "Europe/Paris", fmt: str = "medium"
) -> str:
    if moment is None:
        return ""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return i18n.local_datetime(moment, zone, fmt)


def _input_value(moment: datetime | None, tz: str | ZoneInfo = "Europe/Paris") -> str:
    """A UTC moment as the value of an <input type=datetime-local> in the cohort's zone."""
    if moment is None:
        return ""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _translate_text(value: Text | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Text):
        return value.render(i18n.gettext)
    return i18n.gettext(value)


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = lambda cents, currency="EUR": i18n.money(int(cents or 0), currency)
    env.filters["local"] = _local
    env.filters["input_value"] = _input_value
    env.filters["tr"] = _translate_text
    env.globals["current_language"] = i18n.current_language
    env.globals["csrf_field_name"] = CSRF_FIELD
    env.globals["csrf_value"] = _csrf_current.get
    return env


ENV = build_environment()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    from flashcoop.web.auth import settings_of

    principal = request.scope.get("flashcoop.principal")
    _csrf_current.set(csrf_token(request.session))
    ctx = {
        "request": request,
        "csrf_token": csrf_token(request.session),
        "principal": principal,
        "settings": settings_of(request),
        "language": i18n.current_language(),
        **(context or {}),
    }
    html = ENV.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status)
