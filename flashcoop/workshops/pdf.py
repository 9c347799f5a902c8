"""PDF renderings of the attendance sheet and summary (numbers from reports.py)."""

from __future__ import annotations

from flashcoop.core.pdf import render_pdf
from flashcoop.core.templating import render_template
from flashcoop.workshops.reports import Sheet, Summary


async def render_sheet_pdf(sheet: Sheet) -> bytes:
    html = render_template("workshops/attendance_sheet_pdf.html", sheet=sheet)
    return await render_pdf(html)


async def render_summary_pdf(summary: Summary) -> bytes:
    html = render_template("workshops/attendance_summary_pdf.html", summary=summary)
    return await render_pdf(html)
