"""PDF renderings of the attendance sheet and summary (WeasyPrint, off the event loop).

A small private renderer: flashcoop/pdf.py (shared) is being written in parallel; once merged,
`_render` can delegate to it.
"""

from __future__ import annotations

import anyio
import anyio.to_thread

from flashcoop.cohorts.workshop_reports import Sheet, Summary
from flashcoop.web.templating import ENV

# WeasyPrint is CPU-bound: at most two renders at once, so a burst of downloads
# cannot starve the threads serving the sale forms.
_LIMITER: anyio.CapacityLimiter | None = None


def _limiter() -> anyio.CapacityLimiter:
    global _LIMITER
    if _LIMITER is None:
        _LIMITER = anyio.CapacityLimiter(2)
    return _LIMITER


def _html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


async def _render(html: str) -> bytes:
    return await anyio.to_thread.run_sync(_html_to_pdf, html, limiter=_limiter())


async def render_sheet_pdf(sheet: Sheet) -> bytes:
    html = ENV.get_template("workshops/attendance_sheet_pdf.html").render(sheet=sheet)
    return await _render(html)


async def render_summary_pdf(summary: Summary) -> bytes:
    html = ENV.get_template("workshops/attendance_summary_pdf.html").render(summary=summary)
    return await _render(html)
