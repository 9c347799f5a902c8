"""The one CSV writer: no cell of any export runs as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from flashcoop.core.csvfile import csv_bytes, safe_cell


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+33 6", "'+33 6"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("|calc", "'|calc"),
        ("\tTab", "'\tTab"),
        ("two\nlines", "two lines"),
        ("-12.50", "-12.50"),
        ("-12,50", "-12,50"),
        ("Jus d'orange", "Jus d'orange"),
        (3, 3),
        (None, ""),
    ],
)
def test_text_cells_are_made_inert_and_numbers_stay_numbers(typed, written):
    assert safe_cell(typed) == written


def test_a_file_has_a_bom_crlf_and_reads_back():
    data = csv_bytes(["label", "amount"], [["=1+1", "-2.00"], ["Café", "3,50"]], sep=";")
    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["label", "amount"], ["'=1+1", "-2.00"], ["Café", "3,50"]]
