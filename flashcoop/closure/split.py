"""Sharing a surplus in whole cents: the largest-remainder method, deterministic.

Each member's exact part is `surplus × weight / total weight`. Everyone first gets the whole
cents below their exact part; the cents left over (fewer than the number of members) go one
each to the members with the largest remainders. Ties between equal remainders go to the
smaller key (keys are compared, not taken in the order given), so the same books always give
the same shares, whatever order the members are listed in.

- The shares add up to the surplus exactly, and no share is a cent or more away from its exact
  part (a member whose exact part is a whole number of cents gets exactly that).
- When every weight is zero (nobody attended a workshop, nobody sold anything) there is
  nothing to be pro rata of: the surplus is shared equally instead.
- A zero surplus or a deficit is never shared: no shares at all (the deficit is reported).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    K = TypeVar("K", bound=SupportsRichComparison)
else:
    K = TypeVar("K")


def split_surplus(surplus_cents: int, weights: Mapping[K, int]) -> dict[K, int]:
    """Shares of `surplus_cents` in proportion to `weights`, summing to it exactly.

    Empty when the surplus is not positive or there is nobody to share with."""
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights cannot be negative")
    if surplus_cents <= 0 or not weights:
        return {}
    keys = sorted(weights)
    used = {key: weights[key] for key in keys}
    total = sum(used.values())
    if total == 0:
        used = dict.fromkeys(keys, 1)
        total = len(keys)
    shares: dict[K, int] = {}
    remainders: dict[K, int] = {}
    for key in keys:
        shares[key], remainders[key] = divmod(surplus_cents * used[key], total)
    left = surplus_cents - sum(shares.values())
    # Larger remainder first; among equal remainders, the smaller key (sorted is stable).
    for key in sorted(keys, key=lambda k: -remainders[k])[:left]:
        shares[key] += 1
    return shares
