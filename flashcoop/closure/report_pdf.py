"""The closure report as an A4 PDF (WeasyPrint), with its charts as inline SVG."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from flashcoop.closure.charts import bar_chart
from flashcoop.closure.figures import ClosureFigures
from flashcoop.closure.labels import (
    age_band_label,
    gender_label,
    rule_label,
    situation_label,
)
from flashcoop.core.errors import N_
from flashcoop.core.i18n import current_language, gettext, money
from flashcoop.core.pdf import render_pdf
from flashcoop.core.templating import render_template


def charts(figures: ClosureFigures) -> dict[str, Markup]:
    """The report's charts: shares, sales by day, outcomes."""
    cur = figures.currency
    shares = [(p.label, p.share_cents) for p in figures.people if p.share_cents is not None]
    found = {
        "outcomes": bar_chart(
            [(situation_label(c.key), c.value) for c in figures.outcomes],
            title=gettext(N_("Situation at exit")),
        )
    }
    if shares:
        found["shares"] = bar_chart(
            shares, title=gettext(N_("Shares of the surplus")), value_text=lambda v: money(v, cur)
        )
    if figures.sales_by_day:
        found["sales"] = bar_chart(
            [(day_label(day), cents) for day, cents in figures.sales_by_day],
            title=gettext(N_("Sales by day")),
            value_text=lambda v: money(v, cur),
        )
    return found


def _locale() -> str:
    return "fr_FR" if current_language() == "fr" else "en_GB"


def number(value: float, digits: int) -> str:
    """A decimal in the current language's notation (21,50 in French, 21.50 in English)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale())


def day_label(day: str) -> str:
    """ "2026-06-03" → "mer. 3 juin" (a ledger's local day, in the current language)."""
    try:
        moment = date.fromisoformat(day)
    except ValueError:
        return day
    return format_date(moment, format="EEE d MMM", locale=_locale())


def report_html(figures: ClosureFigures) -> str:
    return render_template(
        "closure/report_pdf.html",
        f=figures,
        charts=charts(figures),
        situation_label=situation_label,
        gender_label=gender_label,
        age_band_label=age_band_label,
        rule_label=rule_label,
        number=number,
    )


async def render_report_pdf(figures: ClosureFigures) -> bytes:
    return await render_pdf(report_html(figures))
