"""One Jinja environment with gettext, money and local-time filters, without Starlette.

Pages render through `flashcoop.web.templating.render` (which adds the request, the CSRF token
and the signed-in person); PDFs, e-mails and anything else render here, outside any request.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from flashcoop.core import i18n
from flashcoop.core.errors import Text

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


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
    env.filters["number"] = lambda value, digits=1: i18n.number(float(value or 0), digits)
    env.filters["input_value"] = _input_value
    env.filters["tr"] = _translate_text
    env.globals["current_language"] = i18n.current_language
    return env


ENV = build_environment()


def render_template(template: str, **context: Any) -> str:
    """A template rendered outside any request (PDF bodies, posters, messages)."""
    return ENV.get_template(template).render(context)
