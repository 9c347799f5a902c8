"""The certificate as a one-page A4 PDF, rendered from its snapshot in the language chosen at
issue (the QR code and the printed short link lead to its verification page)."""

from __future__ import annotations

import base64
import functools
import io
from datetime import date
from typing import Any

import anyio
import qrcode
import qrcode.constants
from babel.dates import format_date
from babel.numbers import format_decimal

from flashcoop.certificates.content import grouped, in_language
from flashcoop.core import i18n
from flashcoop.core.pdf import render_pdf
from flashcoop.core.templating import render_template


def long_date(iso_day: str, language: str) -> str:
    if not iso_day:
        return ""
    return format_date(date.fromisoformat(iso_day), "long", locale=_locale(language))


def _locale(language: str) -> str:
    return "fr_FR" if language == "fr" else "en_GB"


def hours_label(minutes: int, language: str) -> str:
    """330 → "5,5 heures" / "5.5 hours" (in the current language's catalogue)."""
    hours = round(minutes / 60, 1)
    number = format_decimal(hours, format="#,##0.#", locale=_locale(language))
    # gettext chooses the plural from an integer: a fraction below 2 is singular in French
    # ("1,5 heure") and plural in English ("1.5 hours").
    count = int(hours) if hours == int(hours) else (1 if language == "fr" and hours < 2 else 2)
    return i18n.ngettext("%(num)s hour", "%(num)s hours", count) % {"num": number}


def short_link(url: str) -> str:
    """The link as printed: without the scheme, which nobody types."""
    return url.split("://", 1)[-1]


def qr_image(data: str) -> str:
    """The QR code as an <img> of one pixel per module, scaled up without smoothing.

    Not the inline SVG the pages use: WeasyPrint parses and draws an SVG path of a thousand
    squares in Python, a quarter of a certificate's render; a 300-byte PNG costs nothing and
    prints as sharp (the PDF says not to interpolate it)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    png = base64.b64encode(buffer.getvalue()).decode()
    return (
        f'<img src="data:image/png;base64,{png}" alt="" '
        'style="display: block; width: 100%; height: 100%; image-rendering: pixelated">'
    )


def pdf_context(content: dict[str, Any], *, verify_url: str, language: str) -> dict[str, Any]:
    framework = content.get("framework", {})
    groups = grouped(content, language)
    return {
        "c": content,
        "language": language,
        "groups": groups,
        # The tallest area decides whether the page must be set tighter to stay one page.
        "compact": max((len(g["items"]) for g in groups), default=0) > 4,
        "levels": int(framework.get("levels") or 4),
        "framework_name": in_language(framework.get("name"), language),
        "attribution": in_language(framework.get("attribution"), language),
        "starts_on": long_date(content.get("starts_on", ""), language),
        "ends_on": long_date(content.get("ends_on", ""), language),
        "issued_on": long_date(content.get("issued_on", ""), language),
        "hours": hours_label(int(content.get("minutes") or 0), language),
        "verify_url": verify_url,
        "short_link": short_link(verify_url),
        "qr": qr_image(verify_url),
    }


def certificate_html(content: dict[str, Any], *, verify_url: str, language: str) -> str:
    """The HTML of the certificate in `language` (the request's language is left as it was)."""
    previous = i18n.current_language()
    i18n.set_language(language)
    try:
        return render_template(
            "certificates/certificate_pdf.html",
            **pdf_context(content, verify_url=verify_url, language=language),
        )
    finally:
        i18n.set_language(previous)


async def render_certificate_pdf(
    content: dict[str, Any], *, verify_url: str, language: str
) -> bytes:
    """The PDF bytes of one certificate."""
    # The HTML (template, QR code) is built in a thread too: thirty of them in a closure
    # would otherwise hold the event loop for a few hundred milliseconds in all.
    html = await anyio.to_thread.run_sync(
        functools.partial(certificate_html, content, verify_url=verify_url, language=language)
    )
    return await render_pdf(html)
