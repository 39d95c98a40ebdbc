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
from capsim.registry import registrar
from capsim.scenario.network import Rating, SupplyAllocation


@dataclass
class Buyer:
    """A buyer's account at one supplier: its stock there and its open orders."""

    id: str
    inbound: Inbound
    orders: deque[list[float]] = field(default_factory=deque)
    """Open orders, oldest first: ``[month-time placed, units outstanding]`` (the units
    a whole number, kept as an ``int``)."""
    outstanding: int = 0

    def place(self, placed: float, units: int) -> None:
        """An open order of ``units`` placed at month-time ``placed`` (kept in time order)."""
        orders = self.orders
        index = len(orders)
        while index and orders[index - 1][0] > placed:
            index -= 1
        orders.insert(index, [placed, units])
        self.outstanding += units

    def withdraw(self, most: int) -> list[tuple[float, int]]:
        """Take back up to ``most`` units of the newest open orders, returned oldest first."""
        taken: list[tuple[float, int]] = []
        orders = self.orders
        while most > 0 and orders:
            newest = orders[-1]
            units = min(int(newest[1]), most)
            taken.append((newest[0], units))
            newest[1] -= units
            most -= units
            self.outstanding -= units
            if not newest[1]:
                orders.pop()
        return taken[::-1]

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


@dataclass
class FairQueue:
    """Credits of smooth weighted round robin at one supplier, kept from batch to batch."""

    credit: dict[str, float] = field(default_factory=dict)


Blocks = list[tuple[Buyer, int]]
SupplyRuleFunction = Callable[[SupplyAllocation, Sequence[Buyer], int, FairQueue], Blocks]
"""Divide ``units`` finished components between buyers with outstanding orders."""

SUPPLY_RULES: dict[str, SupplyRuleFunction] = {}
"""Supply allocation rules by the name a scenario gives."""


supply_rule = registrar(SUPPLY_RULES)
"""Register a supply allocation rule under a name (a value of ``SupplyRule``)."""


def divide(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Blocks of ``units`` (at most what is outstanding) by the supplier's rule.

    A supplier with one buyer gives it everything, whatever the rule.
    """
    if len(buyers) == 1:
        outstanding = buyers[0].outstanding
        units = outstanding if outstanding < units else units  # min(units, outstanding)
        return [(buyers[0], units)] if units else []
    waiting, outstanding = [], 0
    for buyer in buyers:  # a loop: a comprehension's own call costs more for a few buyers
        if buyer.outstanding:
            waiting.append(buyer)
            outstanding += buyer.outstanding
    units = outstanding if outstanding < units else units  # min(units, outstanding)
    if not units:
        return []
    # A rule's name is a string enum: it finds its rule without being made a plain string.
    return SUPPLY_RULES[allocation.rule](allocation, waiting, units, queue)


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


Head = tuple[tuple[int, ...], float, str, int, Buyer]
"""A buyer's next open order as :func:`_first_come` ranks it: (rank, month-time placed,
buyer id, position among the buyer's orders, buyer)."""


def _first_come(
    buyers: Sequence[Buyer], units: int, key: RankKey | None, left: dict[str, int] | None = None
) -> Blocks:
    """Open orders by ``key`` then age: the oldest order of the best-placed buyer first
    (``key`` ``None``: by age alone, every buyer's rank ``()`` without a call).

    ``left`` caps what each buyer may still get (its outstanding orders by default).
    Orders placed at the same time go by buyer id.
    """
    # Each buyer's orders are in time order already: merging them, and only as far as the
    # units go, gives the order a sort of them all would, without sorting the long tail.
    # Ids differ, so comparing heads never goes past the id. A buyer that may get no
    # more takes nothing from any order: it needs no head.
    heads: list[Head] = []
    if left is None:
        left = {}
        for buyer in buyers:  # one loop for both: a buyer has orders while it has units out
            left[buyer.id] = buyer.outstanding
            if buyer.outstanding:
                rank = () if key is None else key(buyer)
                heads.append((rank, buyer.orders[0][0], buyer.id, 0, buyer))
    else:
        for buyer in buyers:
            if buyer.orders and left[buyer.id]:
                rank = () if key is None else key(buyer)
                heads.append((rank, buyer.orders[0][0], buyer.id, 0, buyer))
    blocks: Blocks = []
    while units and heads:
        heads.sort()
        rank, _, name, position, buyer = heads[0]
        after = heads[1][:3] if len(heads) > 1 else None  # any other buyer's next order
        orders, cap, given = buyer.orders, left[name], 0
        # The best-placed buyer's orders, as long as they come before any other's.
        while units and cap and position < len(orders):
            placed, quantity = orders[position]
            if position > heads[0][3] and after is not None and (rank, placed, name) > after:
                break
            # min(quantity, units, cap), without a builtin call (``int`` for mypy: the
            # units are whole).
            take = int(quantity)
            take = units if units < take else take
            take = cap if cap < take else take
            given += take
            units -= take
            cap -= take
            position += 1
        left[name] = cap
        if given:
            if blocks and blocks[-1][0] is buyer:
                blocks[-1] = (buyer, blocks[-1][1] + given)
            else:
                blocks.append((buyer, given))
        if cap and position < len(orders):
            heads[0] = (rank, orders[position][0], name, position, buyer)
        else:
            del heads[0]
    return blocks


def weighted_fair(
    buyers: Sequence[Buyer], weights: Sequence[float], units: int, queue: FairQueue
) -> Blocks:
    """Smooth weighted round robin, one unit at a time.

    Before each unit, every buyer that still wants more earns its share of it (its
    weight over the weights of those buyers) as credit; the unit goes to the buyer with
    the most credit (ties to the lower id), which pays one unit of credit for it. This
    is the interleaving of weighted fair queuing (Demers, Keshav and Shenker, 1989) in
    the form nginx uses: while every buyer wants more, each one's count over any run of
    units stays within one of its share. A buyer that wants nothing loses its credit,
    so it gets no catch-up for the time it stood aside. Buyers with no weight get only
    what the weighted ones cannot use, first come.
    """
    left = {buyer.id: buyer.outstanding for buyer in buyers}
    credit = queue.credit
    active = [(buyer, weight) for buyer, weight in zip(buyers, weights, strict=True) if weight]
    for name in list(credit):
        if name not in {buyer.id for buyer, _ in active}:
            del credit[name]
    blocks: Blocks = []
    while units and active:
        total = sum(weight for _, weight in active)
        for buyer, weight in active:
            credit[buyer.id] = credit.get(buyer.id, 0.0) + weight / total
        best = max(active, key=lambda pair: credit[pair[0].id])[0]
        credit[best.id] -= 1.0
        left[best.id] -= 1
        units -= 1
        if blocks and blocks[-1][0] is best:
            blocks[-1] = (best, blocks[-1][1] + 1)
        else:
            blocks.append((best, 1))
        if not left[best.id]:
            active = [(buyer, weight) for buyer, weight in active if buyer is not best]
            del credit[best.id]
    rest = [buyer for buyer in buyers if left[buyer.id]]
    return blocks + _first_come(rest, units, None, left)


@supply_rule("first_come")
def _by_order_date(
    allocation: SupplyAllocation, buyers: Sequence[Buyer], units: int, queue: FairQueue
) -> Blocks:
    """Oldest open order first; orders placed at the same time by buyer id."""
    return _first_come(buyers, units, None)


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
