"""Money is exact from the phone's text to the cents in the database and back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from flashcoop.cohorts.models import Cohort
from flashcoop.core.errors import ValidationError
from flashcoop.core.fields import format_amount
from flashcoop.ledger.drafts import read_entry

CEILING = 1_000_000
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
COHORT = Cohort(timezone="Europe/Paris", starts_at=NOW - timedelta(days=1))


def _parse(amount: object) -> int:
    # Without a product_id, reading a body touches no database: no app needed here.
    body = {"id": str(uuid.uuid4()), "label": "x", "amount": amount}
    draft = asyncio.run(read_entry(body, cohort=COHORT, ceiling_cents=CEILING, now=NOW))
    return draft.amount_cents


@given(st.integers(min_value=1, max_value=CEILING))
def test_api_strings_round_trip(cents):
    assert _parse(format_amount(cents)) == cents


@given(st.integers(min_value=1, max_value=CEILING))
def test_french_display_is_read_back_exactly(cents):
    # What a French phone shows ("1 234,5"), typed back, is the same number of cents.
    text = format_decimal(Decimal(cents) / 100, format="#,##0.##", locale="fr_FR")
    assert _parse(text) == cents


@given(st.integers(min_value=CEILING + 1, max_value=10**11) | st.integers(max_value=0))
def test_out_of_range_is_refused(cents):
    with pytest.raises(ValidationError) as caught:
        _parse(format_amount(cents))
    assert "amount" in caught.value.fields


@pytest.mark.parametrize("text", ["1,234", "0.001", "1e3", "NaN", "Infinity", " ", "12,50,1"])
def test_ambiguous_or_odd_text_is_refused(text):
    with pytest.raises(ValidationError):
        _parse(text)
