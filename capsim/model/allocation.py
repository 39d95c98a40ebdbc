"""Dividing a whole number of units between claimants, and a line's allocation rules.

An allocation rule is a function registered with :func:`allocation_rule` under the name a
scenario uses; adding one touches this module and the ``AllocationRule`` enum of the
schema.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from capsim.model.contract import needs as contract_needs
from capsim.registry import registrar

if TYPE_CHECKING:
    from capsim.model.contract import Contract
    from capsim.scenario.production import Line


def weighted_fill(total: int, needs: Sequence[int], weights: Sequence[float]) -> list[int]:
    """Give ``total`` units to claimants in proportion to ``weights``, capped by ``needs``.

    Water-filling: a claimant that needs less than its share is filled, and what it
    leaves is shared among the rest by weight. Fractions go by largest remainder (ties to
    the earlier claimant), so the result is whole units and sums to
    ``min(total, sum(needs))``.

    >>> weighted_fill(10, [3, 100, 100], [1, 1, 2])
    [3, 2, 5]
    """
    left = sum(needs)
    if total < left:
        left = total
    if left > 0 and min(needs) > 0 and min(weights) > 0:
        # The first round, in which every claimant is active (the usual case): the same
        # shares as the loop below, without its lists of the active claimants.
        weight = list(map(float, weights))
        whole = _total(weight)
        share = _largest_remainder(left, [left * w / whole for w in weight])
        if all(map(operator.le, share, needs)):
            # No claimant is capped: each takes its share, which add up to ``left``, and
            # the loop below would end after this round.
            return share
    given = [0] * len(needs)
    while left > 0:
        active = [i for i, need in enumerate(needs) if need > given[i] and weights[i] > 0]
        if not active:
            break
        weight = [float(weights[i]) for i in active]
        whole = _total(weight)
        share = _largest_remainder(left, [left * w / whole for w in weight])
        for position, i in enumerate(active):
            take = min(share[position], needs[i] - given[i])
            given[i] += take
            left -= take
    return given


def _largest_remainder(left: int, exact: list[float]) -> list[int]:
    """Whole shares of ``left`` units from their ``exact`` fractional shares: the floors,
    and one more to the largest remainders (ties to the earlier claimant) until the
    shares add up to ``left``."""
    # Floors and remainders mapped over the lists: builtins, not a line of Python each.
    share = list(map(math.floor, exact))
    extra = left - sum(share)
    if extra:
        # Largest remainder first; ties to the earlier claimant (the sort is stable).
        # ``share - exact`` is ``-(exact - share)`` to the bit: rounding is symmetric.
        remainders = list(map(operator.sub, share, exact))
        if extra == 1:
            # The first of the largest remainders: the first index of the least value,
            # which is where the stable sort below puts it.
            share[remainders.index(min(remainders))] += 1
            return share
        for k in sorted(range(len(exact)), key=remainders.__getitem__)[:extra]:
            share[k] += 1
    return share


def _total(weights: list[float]) -> float:
    """The sum of ``weights`` as numpy sums an array of them (in order below eight
    terms, pairwise from eight), so that shares do not depend on how they are summed."""
    return sum(weights) if len(weights) < 8 else float(np.sum(weights))


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


AllocationFunction = Callable[["Line", Sequence["Contract"], Sequence[int], int], list[int]]
"""How a line divides ``units`` between contracts with these needs (in the given order)."""

ALLOCATION_RULES: dict[str, AllocationFunction] = {}
"""Allocation rules by the name a scenario gives in ``lines.<id>.allocation``."""


allocation_rule = registrar(ALLOCATION_RULES)
"""Register an allocation rule under a name (a value of ``AllocationRule``)."""


def allocate(line: Line, contracts: Sequence[Contract], units: int) -> list[int]:
    """Units of a line's output for each contract, by the line's rule, whole and complete.

    The rule divides what the contracts may take now (their needs); anything left (a
    unit that was in progress when a cap was reached) goes to contracts with units still
    to build, by priority. A lone contract takes all it has room for, whatever the rule.
    """
    # Here and below, ``b if b < a else a`` is ``min(a, b)`` without a builtin call.
    if len(contracts) == 1:
        remaining = contracts[0].remaining
        return [remaining if remaining < units else units]
    needs = contract_needs(contracts)
    needed = sum(needs)
    # A rule's name is a string enum: it finds its rule without being made a plain string.
    rule = ALLOCATION_RULES[line.allocation]
    given = rule(line, contracts, needs, needed if needed < units else units)
    rest = units - sum(given)
    if rest > 0:
        ranked = _priority_order(contracts)
        room = [contracts[i].remaining - given[i] for i in ranked]
        for position, extra in enumerate(priority_fill(rest, room)):
            given[ranked[position]] += extra
    return given


@allocation_rule("priority")
def _by_priority(
    line: Line, contracts: Sequence[Contract], needs: Sequence[int], units: int
) -> list[int]:
    """Contracts in priority order (lower number first), then award time, then id.

    :func:`priority_fill` in place, over the contracts in their ranks: it stops when the
    units run out, as the contracts after would each take none.
    """
    given = [0] * len(contracts)
    for index in _priority_order(contracts):
        need = needs[index]
        take = units if units < need else need
        given[index] = take
        units -= take
        if not units:
            break
    return given


@allocation_rule("proportional")
def _proportional(
    line: Line, contracts: Sequence[Contract], needs: Sequence[int], units: int
) -> list[int]:
    """In proportion to what each contract may take now (remainders by priority)."""
    order = _priority_order(contracts)
    ranked = list(map(needs.__getitem__, order))
    return _unranked(order, weighted_fill(units, ranked, ranked))


@allocation_rule("shares")
def _by_shares(
    line: Line, contracts: Sequence[Contract], needs: Sequence[int], units: int
) -> list[int]:
    """Fixed shares per buyer; within a buyer by priority; unused shares to the others.

    A buyer's share is for the buyer, however many contracts it has open. What a buyer
    cannot use goes to the others by weight, then to buyers without a share.
    """
    order = _priority_order(contracts)
    buyers = [contracts[i].order.buyer for i in order]
    ranked_needs = list(map(needs.__getitem__, order))
    by_buyer: dict[str, int] = {}
    for buyer, need in zip(buyers, ranked_needs, strict=True):
        by_buyer[buyer] = by_buyer.get(buyer, 0) + need
    names = sorted(by_buyer)
    wanted = list(map(by_buyer.__getitem__, names))
    weights = list(map(line.shares.get, names, repeat(0.0)))
    totals = weighted_fill(units, wanted, weights)
    rest = units - sum(totals)
    if rest:  # what the buyers with a share could not use
        left = [need - got for need, got in zip(wanted, totals, strict=True)]
        extra = priority_fill(rest, left)
        totals = [got + more for got, more in zip(totals, extra, strict=True)]
    budget = dict(zip(names, totals, strict=True))
    given = [0] * len(contracts)
    for i, buyer, need in zip(order, buyers, ranked_needs, strict=True):
        room = budget[buyer]
        take = room if room < need else need
        budget[buyer] -= take
        given[i] = take
    return given


def _priority_order(contracts: Sequence[Contract]) -> list[int]:
    """Indices of ``contracts`` by priority, then award time, then id."""
    keys = list(map(_priority_key, contracts))
    return sorted(range(len(keys)), key=keys.__getitem__)


def _unranked(order: list[int], ranked: list[int]) -> list[int]:
    """``ranked[k]`` put back at index ``order[k]`` (``order`` a permutation), by sorting
    the pairs on their index: builtins, not a line of Python a contract."""
    return list(map(operator.itemgetter(1), sorted(zip(order, ranked, strict=True))))


_priority_key = operator.attrgetter("priority_key")
