"""How a shared supplier divides what it makes between its buyers.

Each buyer (a line or a supplier) has open orders at the supplier, oldest first. A
rule turns a batch of finished components into a sequence of ``(buyer, units)`` blocks:
the first block's units are the first finished, and so on. Within a buyer, the oldest
order is filled first. Rules are registered with :func:`supply_rule` under the name a
scenario gives in ``suppliers.<id>.allocation.rule``; adding one touches this module
and the ``SupplyRule`` enum of the schema.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from capsim.model.inbound import Inbound
from capsim.scenario.network import Rating, SupplyAllocation


@dataclass
class Buyer:
    """A buyer's account at one supplier: its stock there and its open orders."""

    id: str
    inbound: Inbound
    orders: deque[list[float]] = field(default_factory=deque)
    """Open orders, oldest first: ``[month-time placed, units outstanding]``."""
    outstanding: int = 0
    finish_tag: float = 0.0
    """Fair-queuing tag: the virtual time at which this buyer's last unit finished."""

    def take(self, units: int) -> None:
        """Fill ``units`` of the oldest open orders."""
        self.outstanding -= units
        orders = self.orders
        while units:
            head = orders[0]
            if head[1] <= units:
                units -= int(head[1])
                orders.popleft()
            else:
                head[1] -= units
                units = 0

    @property
    def oldest(self) -> tuple[float, str]:
        """When its oldest open order was placed, and its id (the first-come key)."""
        return (self.orders[0][0], self.id)


@dataclass
class FairQueue:
    """Virtual time of weighted fair queuing at one supplier (kept from batch to batch)."""

    virtual_time: float = 0.0


Blocks = list[tuple[Buyer, int]]
SupplyRuleFunction = Callable[[SupplyAllocation, Sequence[Buyer], int, FairQueue], Blocks]
"""Divide ``units`` finished components between buyers with outstanding orders."""

SUPPLY_RULES: dict[str, SupplyRuleFunction] = {}
"""Supply allocation rules by the name a scenario gives."""


def supply_rule(name: str) -> Callable[[SupplyRuleFunction], SupplyRuleFunction]:
    """Register a supply allocation rule under ``name`` (a value of ``SupplyRule``)."""

    def register(rule: SupplyRuleFunction) -> SupplyRuleFunction:
        SUPPLY_RULES[name] = rule
        return rule

    return register


def divide(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Blocks of ``units`` (at most what is outstanding) by the supplier's rule."""
    waiting = [buyer for buyer in buyers if buyer.outstanding]
    units = min(units, sum(buyer.outstanding for buyer in waiting))
    if not units:
        return []
    return SUPPLY_RULES[str(allocation.rule)](allocation, waiting, units, queue)


def _in_order(ranked: Sequence[Buyer], units: int) -> Blocks:
    """Each buyer filled before the next."""
    blocks: Blocks = []
    for buyer in ranked:
        if not units:
            break
        take = min(buyer.outstanding, units)
        blocks.append((buyer, take))
        units -= take
    return blocks


RankKey = Callable[[Buyer], tuple[int, ...]]
"""A buyer's place before the age of its orders (empty: by age alone)."""


def _first_come(
    buyers: Sequence[Buyer], units: int, key: RankKey, left: dict[str, int] | None = None
) -> Blocks:
    """Open orders by ``key`` then age: the oldest order of the best-placed buyer first.

    ``left`` caps what each buyer may still get (its outstanding orders by default).
    """
    if left is None:
        left = {buyer.id: buyer.outstanding for buyer in buyers}
    queue = sorted(
        (key(buyer), placed, buyer.id, position, quantity, buyer)
        for buyer in buyers
        for position, (placed, quantity) in enumerate(buyer.orders)
    )
    blocks: Blocks = []
    for *_, quantity, buyer in queue:
        if not units:
            break
        take = min(int(quantity), units, left[buyer.id])
        if take:
            left[buyer.id] -= take
            units -= take
            if blocks and blocks[-1][0] is buyer:
                blocks[-1] = (buyer, blocks[-1][1] + take)
            else:
                blocks.append((buyer, take))
    return blocks


def _by_age(buyer: Buyer) -> tuple[int, ...]:
    return ()


def weighted_fair(
    buyers: Sequence[Buyer], weights: Sequence[float], units: int, queue: FairQueue
) -> Blocks:
    """Weighted fair queuing (Demers, Keshav and Shenker, 1989), one unit at a time.

    Each unit for buyer ``i`` gets the finish tag ``max(V, F_i) + 1 / w_i``; the unit
    with the smallest tag goes next (ties to the buyer with the lower id), and the
    virtual time ``V`` moves to its start. So while every buyer wants more, each buyer's
    count over any stretch of units is within one of its share, and a buyer that wanted
    nothing for a while gets no credit for it. Buyers with no weight get only what the
    weighted ones cannot use, first come.
    """
    weighted = [(buyer, weight) for buyer, weight in zip(buyers, weights, strict=True) if weight]
    left = {buyer.id: buyer.outstanding for buyer in buyers}
    blocks: Blocks = []
    virtual = queue.virtual_time
    while units and weighted:
        best, best_tag, best_start = None, 0.0, 0.0
        for buyer, weight in weighted:
            start = max(virtual, buyer.finish_tag)
            tag = start + 1.0 / weight
            if best is None or tag < best_tag:
                best, best_tag, best_start = buyer, tag, start
        assert best is not None
        best.finish_tag, virtual = best_tag, best_start
        left[best.id] -= 1
        units -= 1
        if blocks and blocks[-1][0] is best:
            blocks[-1] = (best, blocks[-1][1] + 1)
        else:
            blocks.append((best, 1))
        weighted = [(buyer, weight) for buyer, weight in weighted if left[buyer.id]]
    queue.virtual_time = virtual
    rest = [buyer for buyer in buyers if left[buyer.id]]
    return blocks + _first_come(rest, units, _by_age, left)


@supply_rule("first_come")
def _by_order_date(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Oldest open order first; orders placed at the same time by buyer id."""
    return _first_come(buyers, units, _by_age)


@supply_rule("priority")
def _by_ranking(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Buyers in the scenario's ranking; unranked buyers after them, first come."""
    rank = {name: position for position, name in enumerate(allocation.ranking)}
    unranked = len(rank)
    return _first_come(buyers, units, lambda buyer: (rank.get(buyer.id, unranked),))


RATING_ORDER = {Rating.DX: 0, Rating.DO: 1}
"""DPAS precedence (15 CFR 700.13): DX before DO, rated before unrated."""


@supply_rule("dpas")
def _by_rating(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """DX-rated buyers, then DO-rated, then unrated; within a rating, first come."""
    ratings = allocation.ratings
    unrated = len(RATING_ORDER)
    return _first_come(
        buyers,
        units,
        lambda buyer: (RATING_ORDER.get(ratings[buyer.id], unrated) if buyer.id in ratings
                       else unrated,),
    )  # fmt: skip


@supply_rule("shares")
def _by_shares(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Fixed shares; a buyer's unused share goes to the others (fair queuing)."""
    weights = [allocation.shares.get(buyer.id, 0.0) for buyer in buyers]
    return weighted_fair(buyers, weights, units, queue)


@supply_rule("proportional")
def _proportional(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """In proportion to each buyer's outstanding orders when the batch is made."""
    weights = [float(buyer.outstanding) for buyer in buyers]
    return weighted_fair(buyers, weights, units, queue)


__all__ = ["SUPPLY_RULES", "Buyer", "FairQueue", "divide", "supply_rule", "weighted_fair"]
