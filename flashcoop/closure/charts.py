"""Small bar charts as inline SVG: the same markup in pages and in WeasyPrint's PDFs.

No script and no external file: a chart is a `<svg role="img">` with a title, so a screen
reader reads its name and the table beside it carries the exact figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

BAR = 18
GAP = 6
LABEL_WIDTH = 150
VALUE_WIDTH = 70
COLOUR = "#2f6f5e"


def bar_chart(
    rows: Sequence[tuple[str, int | None]],
    *,
    title: str,
    width: int = 480,
    value_text: Callable[[int], str] = str,
    suppressed_text: str = "< 3",
    fluid: bool = False,
) -> Markup:
    """Horizontal bars, one per (label, value); a None value (suppressed) draws no bar.

    `fluid` leaves out the size so a page's chart shrinks to a 360 px screen (viewBox only)."""
    values = [v for _label, v in rows if v is not None and v > 0]
    top = max(values) if values else 1
    # A page's chart is drawn narrow so that, scaled to a phone, its text stays readable.
    label_width, value_width = (130, 50) if fluid else (LABEL_WIDTH, VALUE_WIDTH)
    width = min(width, 330) if fluid else width
    font = 12 if fluid else 11
    span = max(width - label_width - value_width, 40)
    height = max(len(rows), 1) * (BAR + GAP) + GAP
    size = "" if fluid else f'width="{width}" height="{height}" '
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" {size}'
        f'viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="{font}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        middle = y + BAR / 2 + 4
        parts.append(
            f'<text x="{label_width - 6}" y="{middle:.0f}" text-anchor="end" fill="#222">'
            f"{escape(label[: 20 if fluid else 28])}</text>"
        )
        if value is None:
            text = suppressed_text
            length = 0
        else:
            text = value_text(value)
            length = round(span * max(value, 0) / top) if top else 0
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length}" height="{BAR}" '
                f'fill="{COLOUR}" rx="2"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{middle:.0f}" fill="#222">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
