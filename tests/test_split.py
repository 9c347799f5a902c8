"""The surplus split: exact to the cent, never a cent from the exact part, deterministic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcoop.closure.split import split_surplus

surpluses = st.integers(min_value=1, max_value=10**9)
weights = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=4),
    st.integers(min_value=0, max_value=10**6),
    min_size=1,
    max_size=30,
)


@given(surpluses, weights)
def test_shares_always_sum_to_the_surplus(surplus, weights):
    shares = split_surplus(surplus, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == surplus
    assert all(share >= 0 for share in shares.values())


@given(surpluses, weights)
def test_no_share_is_a_cent_or_more_from_its_exact_part(surplus, weights):
    shares = split_surplus(surplus, weights)
    total = sum(weights.values())
    for key, share in shares.items():
        exact = (
            Fraction(surplus * weights[key], total) if total else Fraction(surplus, len(weights))
        )
        assert abs(share - exact) < 1


@given(surpluses, weights, st.randoms(use_true_random=False))
def test_the_same_books_give_the_same_shares_in_any_order(surplus, weights, rng):
    items = list(weights.items())
    rng.shuffle(items)
    assert split_surplus(surplus, dict(items)) == split_surplus(surplus, weights)


@given(st.integers(min_value=-(10**9), max_value=0), weights)
def test_a_deficit_or_nothing_is_never_shared(surplus, weights):
    assert split_surplus(surplus, weights) == {}


def test_largest_remainder_then_key_order():
    # 100 cents in thirds: 33.33 each, one cent left, the remainders tie: the smallest key.
    assert split_surplus(100, {"c": 1, "a": 1, "b": 1}) == {"a": 34, "b": 33, "c": 33}
    # 10 cents by 1:2:3 → 1.67, 3.33, 5.00: the largest remainder (a's) takes the cent.
    assert split_surplus(10, {"a": 1, "b": 2, "c": 3}) == {"a": 2, "b": 3, "c": 5}


def test_all_zero_weights_share_equally():
    assert split_surplus(10, {"x": 0, "y": 0, "z": 0}) == {"x": 4, "y": 3, "z": 3}


def test_a_zero_weight_gets_nothing_when_others_count():
    assert split_surplus(1001, {"a": 0, "b": 1}) == {"a": 0, "b": 1001}


def test_nobody_to_share_with():
    assert split_surplus(500, {}) == {}


def test_negative_weights_are_a_bug():
    with pytest.raises(ValueError):
        split_surplus(500, {"a": -1, "b": 2})
