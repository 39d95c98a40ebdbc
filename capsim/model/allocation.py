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
        share = _largest_remainder(left, list(map(float, weights)))
        if all(map(operator.le, share, needs)):
            # No claimant is capped: each takes its share, which add up to ``left``, and
            # the loop below would end after this round.
            return share
    given = [0] * len(needs)
    while left > 0:
        active = [i for i, need in enumerate(needs) if need > given[i] and weights[i] > 0]
        if not active:
            break
        share = _largest_remainder(left, [float(weights[i]) for i in active])
        for position, i in enumerate(active):
            take = min(share[position], needs[i] - given[i])
            given[i] += take
            left -= take
    return given


def _largest_remainder(left: int, weights: list[float]) -> list[int]:
    """Whole shares of ``left`` units in proportion to ``weights``: the floors of the exact
    shares, and one more to the largest remainders (ties to the earlier claimant) until
    the shares add up to ``left``.

    The exact share of a weight is ``left * weight / whole``, ``whole`` the weights' sum as
    numpy sums an array of them (in order below eight terms, pairwise from eight), so that
    shares do not depend on how they are summed. One loop over the few claimants works
    out the exact shares, their floors and remainders (cheaper than a builtin call for
    each list).
    """
    whole = sum(weights) if len(weights) < 8 else float(np.sum(weights))
    share = []
    remainders = []
    given = 0
    for weight in weights:
        exact = left * weight / whole
        floor = _floor(exact)
        share.append(floor)
        # ``floor - exact`` is ``-(exact - floor)`` to the bit: rounding is symmetric.
        remainders.append(floor - exact)
        given += floor
    extra = left - given
    if extra:
        if extra == 1:
            # The first of the largest remainders: the first index of the least value,
            # which is where the stable sort below puts it.
            share[remainders.index(min(remainders))] += 1
            return share
        # Largest remainder first; ties to the earlier claimant (the sort is stable).
        for k in sorted(range(len(share)), key=remainders.__getitem__)[:extra]:
            share[k] += 1
    return share


_floor = math.floor
"""``math.floor``, looked up once."""


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


class Claimants(list["Contract"]):
    """The contracts that may take a line's output now, in priority order (lower number
    first, then award time, then order id), and what the rules derive from them.

    A line keeps one while its eligible contracts stand (until one is awarded, built out
    or becomes eligible): their order, and the layout of their buyers, are worked out
    once for the stretches that divide units among them, not at every one.
    """

    ranks: list[int] | None
    """Where each of the line's contracts, in the line's own order, stands among these
    (``None``: in the same place)."""

    def __init__(self, contracts: Sequence[Contract]) -> None:
        keys = list(map(_priority_key, contracts))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        super().__init__(map(contracts.__getitem__, order))
        positions = list(range(len(order)))
        # The inverse of the order, by sorting the positions on it (builtins, not a line
        # of Python a contract).
        self.ranks = None if order == positions else sorted(positions, key=order.__getitem__)
        self._buyers: _Buyers | None = None

    def buyers(self, line: Line) -> _Buyers:
        """The buyers of the contracts, and their shares of ``line``'s output."""
        if self._buyers is None:
            self._buyers = _Buyers(line, self)
        return self._buyers


class _Buyers:
    """The buyers of some contracts (by name), which is each contract's, and the share
    each has of a line's output (``0.0`` for a buyer without one)."""

    __slots__ = ("names", "of_contract", "weights")

    def __init__(self, line: Line, contracts: Sequence[Contract]) -> None:
        buyers = [contract.order.buyer for contract in contracts]
        self.names = sorted(set(buyers))
        index = {name: position for position, name in enumerate(self.names)}
        self.of_contract = list(map(index.__getitem__, buyers))
        self.weights = list(map(line.shares.get, self.names, repeat(0.0)))


AllocationFunction = Callable[["Line", Claimants, Sequence[int], int], list[int]]
"""How a line divides ``units`` between contracts (in priority order) with these needs;
units for each contract, in the same order."""

ALLOCATION_RULES: dict[str, AllocationFunction] = {}
"""Allocation rules by the name a scenario gives in ``lines.<id>.allocation``."""


allocation_rule = registrar(ALLOCATION_RULES)
"""Register an allocation rule under a name (a value of ``AllocationRule``)."""


def allocate(line: Line, contracts: Claimants, units: int) -> list[int]:
    """Units of a line's output for each contract, by the line's rule, whole and complete.

    The rule divides what the contracts may take now (their needs); anything left (a
    unit that was in progress when a cap was reached) goes to contracts with units still
    to build, by priority. A lone contract takes all it has room for, whatever the rule.
    The units are returned in the line's own order of the contracts.
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
        room = [contract.remaining - got for contract, got in zip(contracts, given, strict=True)]
        given = list(map(operator.add, given, priority_fill(rest, room)))
    ranks = contracts.ranks
    return given if ranks is None else list(map(given.__getitem__, ranks))


@allocation_rule("priority")
def _by_priority(
    line: Line, contracts: Sequence[Contract], needs: Sequence[int], units: int
) -> list[int]:
    """Contracts in priority order (lower number first), then award time, then id.

    :func:`priority_fill`, which stops when the units run out, as the contracts after
    would each take none.
    """
    given = [0] * len(needs)
    for index, need in enumerate(needs):
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
    return weighted_fill(units, needs, needs)


@allocation_rule("shares")
def _by_shares(line: Line, contracts: Claimants, needs: Sequence[int], units: int) -> list[int]:
    """Fixed shares per buyer; within a buyer by priority; unused shares to the others.

    A buyer's share is for the buyer, however many contracts it has open. What a buyer
    cannot use goes to the others by weight, then to buyers without a share.
    """
    buyers = contracts.buyers(line)
    of_contract = buyers.of_contract
    wanted = [0] * len(buyers.names)
    for buyer, need in zip(of_contract, needs, strict=True):
        wanted[buyer] += need
    totals = weighted_fill(units, wanted, buyers.weights)
    rest = units - sum(totals)
    if rest:  # what the buyers with a share could not use
        left = [need - got for need, got in zip(wanted, totals, strict=True)]
        extra = priority_fill(rest, left)
        totals = [got + more for got, more in zip(totals, extra, strict=True)]
    given = []
    for buyer, need in zip(of_contract, needs, strict=True):
        room = totals[buyer]
        take = room if room < need else need
        totals[buyer] = room - take
        given.append(take)
    return given


_priority_key = operator.attrgetter("priority_key")
