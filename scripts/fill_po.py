"""Fill translations into a .po file from a Python dict file: python scripts/fill_po.py DOMAIN FILE.

FILE holds `T = {"English msgid": "Traduction", ...}`; existing translations are kept.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "flashcoop" / "locale" / "fr" / "LC_MESSAGES"

domain, source = sys.argv[1], sys.argv[2]
table: dict[str, str] = runpy.run_path(source)["T"]
path = LOCALE / f"{domain}.po"
with path.open("rb") as handle:
    catalog = read_po(handle, locale="fr")
for message in catalog:
    if message.id and not message.string and message.id in table:
        message.string = table[message.id]
with path.open("wb") as handle:
    write_po(handle, catalog, width=100)
