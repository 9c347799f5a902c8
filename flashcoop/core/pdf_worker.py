"""What runs inside a PDF rendering process: WeasyPrint, imported once per process.

Kept apart from core/pdf.py so that the process that serves requests never imports WeasyPrint
(a second of start-up and ~50 MB) unless it renders in threads.
"""

from __future__ import annotations

import contextlib
import os
import resource
from typing import Any

# Imported at module level on purpose: the fork server preloads this module, so every worker
# forked from it starts with WeasyPrint and its libraries (Pango, HarfBuzz) already loaded.
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

_fonts: FontConfiguration | None = None
_WARM_UP = (
    '<p style="font-family: sans-serif">a <b>b</b> <i>c</i></p>'
    '<p style="font-family: serif">d</p><p style="font-family: monospace">e</p>'
)


def start() -> None:
    """Pool initializer: one font configuration per process, reused by every render (Pango's
    font map and fontconfig's lookups are then built once, not once per document)."""
    global _fonts
    # Background work: when the cores are busy, the process serving requests goes first (a
    # closure must not slow the sales of the other cohorts).
    with contextlib.suppress(OSError):
        os.nice(10)
    _fonts = FontConfiguration()
    # The first render of a process loads the fonts (~0.3 s): done here, it overlaps the
    # caller's database work (pdf.warm_up) instead of delaying the first document.
    HTML(string=_WARM_UP).write_pdf(font_config=_fonts)


def render(html: str, base_url: str | None) -> bytes:
    """HTML → PDF bytes (the same call in a worker process and in the thread fallback)."""
    fonts = _fonts if _fonts is not None else FontConfiguration()
    pdf = HTML(string=html, base_url=base_url).write_pdf(font_config=fonts)
    assert pdf is not None
    return bytes(pdf)


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM), in kB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kB on Linux


def render_in_worker(html: str, base_url: str | None) -> tuple[bytes, int, int]:
    """A render as the pool runs it: the PDF, and this worker's pid and peak memory so far
    (what the parent reports, and what bench/ checks against its 150 MB target)."""
    pdf = render(html, base_url)
    return pdf, os.getpid(), peak_rss_kb()


def noop(*_: Any) -> int:
    """Started by the pool's warm-up and by tests: proves a worker answers."""
    return os.getpid()
