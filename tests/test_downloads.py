"""Every download goes through one helper: a private, uncached attachment whose name may be in
any script (a header is latin-1 only: the exact name travels in RFC 6266's filename*)."""

from __future__ import annotations

from urllib.parse import unquote

from flashcoop.web.api import attachment


def test_a_name_in_any_script_has_an_ascii_fallback_and_its_exact_form():
    response = attachment(b"%PDF", "application/pdf", 'Épicerie "Awa" عائشة.pdf')
    disposition = response.headers["content-disposition"]
    disposition.encode("latin-1")  # a header that cannot be sent would be a 500
    assert disposition.startswith('attachment; filename="Epicerie Awa .pdf"; ')
    exact = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(exact) == 'Épicerie "Awa" عائشة.pdf'
    assert response.headers["cache-control"] == "private, no-store"


def test_inline_and_extra_headers():
    response = attachment(b"x", "text/csv", "a.csv", inline=True, headers={"ETag": '"abc"'})
    assert response.headers["content-disposition"].startswith('inline; filename="a.csv"')
    assert response.headers["etag"] == '"abc"'
