"""QR codes as SVG text, without Pillow: for pages, posters and printed cards."""

from __future__ import annotations

import re

import qrcode
import qrcode.constants
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) encoding `data`; it scales to its container."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    text = code.make_image().to_string(encoding="unicode")
    assert isinstance(text, str)
    # Inline SVG must not carry the XML declaration; the mm size would also pin the width.
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1].lstrip()
    # qrcode names its path id="qr-path": a page of sign-in cards would repeat that id.
    return re.sub(r'\s+id="[^"]*"', "", text)
