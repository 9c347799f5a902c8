"""HTML → PDF with WeasyPrint, off the event loop so a render never freezes the sale form."""

from __future__ import annotations

import anyio

# WeasyPrint holds the GIL for most of a render: more threads would only queue up and
# multiply memory (~100 MB each), so a couple at a time is enough.
_pdf_limiter = anyio.CapacityLimiter(2)


def _render(html: str, base_url: str | None) -> bytes:
    from weasyprint import HTML  # imported lazily: it is slow to import and rarely needed

    document = HTML(string=html, base_url=base_url)
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


async def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render a complete HTML document (with its own CSS) to PDF bytes."""
    return await anyio.to_thread.run_sync(_render, html, base_url, limiter=_pdf_limiter)
