"""The one CSV writer of every export: spreadsheets open it as typed, never as formulas.

A label typed on a phone or a name chosen at joining could start with `=`, `+`, `-` or `@`:
a spreadsheet would run it as a formula (CSV injection). Every text cell of every export goes
through here, so no export can forget it. UTF-8 with a BOM and CRLF line ends, as spreadsheet
software expects.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")
# A negative amount ("-12.50", "-12,50") is a number, not a formula: it stays as it is.
NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def safe_cell(value: Any) -> Any:
    """Text made inert (one line, a quote before a formula start); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    text = value.replace("\r", " ").replace("\n", " ")
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sep: str = ",") -> bytes:
    """A whole CSV file: header first, every text cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
