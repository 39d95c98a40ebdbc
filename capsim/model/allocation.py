"""Dividing a whole number of units between claimants."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def weighted_fill(total: int, needs: Sequence[int], weights: Sequence[float]) -> list[int]:
    """Give ``total`` units to claimants in proportion to ``weights``, capped by ``needs``.

    Water-filling: a claimant that needs less than its share is filled, and what it
    leaves is shared among the rest by weight. Fractions go by largest remainder (ties to
    the earlier claimant), so the result is whole units and sums to
    ``min(total, sum(needs))``.

    >>> weighted_fill(10, [3, 100, 100], [1, 1, 2])
    [3, 2, 5]
    """
    given = [0] * len(needs)
    left = min(total, sum(needs))
    while left > 0:
        active = [i for i, need in enumerate(needs) if need > given[i] and weights[i] > 0]
        if not active:
            break
        weight = np.array([weights[i] for i in active], dtype=float)
        exact = left * weight / weight.sum()
        share = np.floor(exact).astype(int)
        order = np.argsort(-(exact - share), kind="stable")
        share[order[: left - int(share.sum())]] += 1
        for position, i in enumerate(active):
            take = min(int(share[position]), needs[i] - given[i])
            given[i] += take
            left -= take
    return given


def priority_fill(total: int, needs: Sequence[int]) -> list[int]:
    """Give ``total`` units to claimants in order, each filled before the next.

    >>> priority_fill(10, [4, 4, 4])
    [4, 4, 2]
    """
    given = []
    for need in needs:
        take = min(need, total)
        given.append(take)
        total -= take
    return given
