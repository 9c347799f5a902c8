"""Check or extend the French catalogs.

    python scripts/i18n.py check            # list messages without a French translation
    python scripts/i18n.py add DOMAIN       # append them, untranslated, to fr/DOMAIN.po

Messages are English msgids marked with _(), gettext(), ngettext(), N_() or Text(); each
domain (core, cohorts, ledger, workshops, ...) keeps its own .po file, merged at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "flashcoop" / "locale" / "fr" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Text": None}
METHODS = [("flashcoop/**.py", "python"), ("flashcoop/templates/**.html", "jinja2")]


def extracted() -> dict[str, str]:
    """msgid → first place it is used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        options_map={"flashcoop/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def translated() -> set[str]:
    done: set[str] = set()
    for path in LOCALE.glob("*.po"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="fr"):
                if message.id and message.string:
                    key = message.id[0] if isinstance(message.id, tuple) else message.id
                    done.add(key)
    return done


def missing() -> dict[str, str]:
    done = translated()
    return {msgid: where for msgid, where in extracted().items() if msgid not in done}


def add(domain: str) -> None:
    path = LOCALE / f"{domain}.po"
    catalog = Catalog(locale="fr")
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="fr")
    for msgid, where in missing().items():
        if msgid not in catalog:
            file, line = where.rsplit(":", 1)
            catalog.add(msgid, "", locations=[(file, int(line))])
    LOCALE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "add":
        add(sys.argv[2])
    else:
        gaps = missing()
        for msgid, where in sorted(gaps.items(), key=lambda item: item[1]):
            print(f"{where}: {msgid}")
        sys.exit(1 if gaps else 0)
