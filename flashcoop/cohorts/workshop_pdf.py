"""PDF renderings of the attendance sheet and summary (numbers from workshop_reports)."""

from __future__ import annotations

from flashcoop.cohorts.workshop_reports import Sheet, Summary
from flashcoop.pdf import render_pdf
from flashcoop.web.templating import ENV


async def render_sheet_pdf(sheet: Sheet) -> bytes:
    html = ENV.get_template("workshops/attendance_sheet_pdf.html").render(sheet=sheet)
    return await render_pdf(html)


async def render_summary_pdf(summary: Summary) -> bytes:
    html = ENV.get_template("workshops/attendance_summary_pdf.html").render(summary=summary)
    return await render_pdf(html)
