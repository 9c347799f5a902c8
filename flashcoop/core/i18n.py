"""French first, English available: gettext catalogs per domain, one locale per request.

Messages are written in English in the code (msgids) and translated through
flashcoop/locale/<lang>/LC_MESSAGES/*.po, compiled in memory at start-up so no binary
catalog is committed. Each domain keeps its own .po file; they are merged per language.
"""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_current: ContextVar[str] = ContextVar("flashcoop_language", default="fr")


# French puts a narrow no-break space before « : ; ! ? » and inside « guillemets »; the
# catalogs are typed with plain spaces, so a line never breaks before the mark on a phone.
_FRENCH_SPACES = (
    (re.compile(r" ([:;!?»])"), "\u202f\\1"),
    (re.compile(r"« "), "«\u202f"),
)


def french_typography(text: str) -> str:
    for pattern, replacement in _FRENCH_SPACES:
        text = pattern.sub(replacement, text)
    return text


def _typeset(catalog: Catalog, language: str) -> None:
    if language != "fr":
        return
    for message in catalog:
        if isinstance(message.string, str):
            message.string = french_typography(message.string)
        elif isinstance(message.string, tuple):
            message.string = tuple(french_typography(s) for s in message.string)


@cache
def translations(language: str) -> NullTranslations:
    merged: NullTranslations | None = None
    for po_path in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        _typeset(catalog, language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(buffer)
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)  # type: ignore[attr-defined]
    return merged or NullTranslations()


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else LANGUAGES[0])


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def negotiate(accept_language: str, default: str) -> str:
    """Pick fr or en from an Accept-Language header, honouring q-values."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        if tag:
            choices.append((-quality, index, tag.split("-")[0]))
    for negative_quality, _index, base in sorted(choices):
        if negative_quality < 0 and base in LANGUAGES:
            return base
    return default


def money(cents: int, currency: str = "EUR") -> str:
    """12345 → '123,45 €' in French, '€123.45' in English."""
    from decimal import Decimal

    return format_currency(Decimal(cents) / 100, currency, locale=_babel_locale())


def number(value: float, digits: int = 1) -> str:
    """44.0 → '44,0' in French, '44.0' in English: a figure with `digits` decimals."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_babel_locale())


def local_datetime(moment: datetime, tz: ZoneInfo, fmt: str = "medium") -> str:
    return babel_format_datetime(moment.astimezone(tz), fmt, tzinfo=tz, locale=_babel_locale())


def _babel_locale() -> Locale:
    return Locale.parse("fr_FR" if _current.get() == "fr" else "en_GB")
