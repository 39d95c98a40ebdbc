"""A buyer's stock of one component: what has arrived, what is used, what is on order.

A buyer is a line or a supplier; each component of its bill of materials has one
:class:`Inbound`, fed by the component's sources. Net requirements are planned here
(material requirements planning), and split between the sources by the scenario's
sourcing rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from capsim.model.arrivals import Arrivals
from capsim.model.finish_times import FinishTimes
from capsim.model.records import Recorder, series_keys
from capsim.model.timebase import count_by_month
from capsim.scenario.network import Sourcing, SourcingRule

_SERIES = ("inventory", "in_transit", "on_order", "shipped")
"""A component stock's monthly series, in the order it registers them."""

NOT_ASKED = (-math.inf, 0)
"""No month-time asked yet, and no components (:attr:`Inbound._latest`)."""


class Source(Protocol):
    """What an inbound stock needs of a supplier: take an order, say what it can make."""

    id: str
    lead_time: float
    """Months from a component being made to its arrival at the buyer."""
    constraints: list[str]
    """What bound the supplier, one entry per month closed."""

    def inbound_for(self, component: str) -> Inbound | None:
        """Its own stock of a sub-tier component, if its bill names it."""

    def outstanding_for(self, buyer: str) -> int:
        """Components a buyer has on order here and not yet shipped."""

    def order(self, inbound: Inbound, quantity: int, placed: float | None = None) -> None:
        """Order ``quantity`` good components for ``inbound`` (first placed at ``placed``)."""

    def withdraw(self, buyer: str) -> list[tuple[float, int]]:
        """Take back a buyer's orders not yet begun: (when placed, units), oldest first."""

    def room_within(self, months: float) -> float:
        """Components it could still take on within ``months`` from now, given its backlog."""


class Inbound:
    """One buyer's stock of one component, and the orders that will fill it.

    ``arrivals`` holds the month-time at which each component shipped to this buyer
    arrives (or arrived), in time order, whichever source made it; the first ``used``
    of them are in kits. A source ships a component when it is made, so a component in
    transit is already in ``arrivals``, at a later time.
    """

    def __init__(
        self,
        buyer: str,
        component: str,
        sources: Sequence[Source],
        sourcing: Sourcing | None,
        buffer: int,
        recorder: Recorder,
    ) -> None:
        self.buyer = buyer
        self.component = component
        self.sources = list(sources)
        self._sourcing = sourcing
        self._buffer = buffer
        self.arrivals = Arrivals()
        self._arrivals_count = 0
        """``len(arrivals)``, kept as a plain number: it is read at every replan and close."""
        self._latest = NOT_ASKED
        """The latest month-time :meth:`on_hand` searched the arrivals at since the last
        shipment came in, and the components arrived by then: a month's close asks again
        of the month's end what its buyer's last stretch asked."""
        self.used = 0
        self.ordered = 0
        """Good components ordered from every source, since the start."""
        self.ordered_from: dict[str, int] = {source.id: 0 for source in self.sources}
        keys = series_keys("component_stock", f"{buyer}.{component}", _SERIES, holder=component)
        self._inventory, self._transit, self._on_order, self._shipped = recorder.new_series_group(
            keys
        )

    def on_hand(self, until: float) -> int:
        """Components here and not yet used, at month-time ``until``."""
        arrivals = self.arrivals
        if until >= arrivals.last:  # every component shipped here has arrived: no search
            return self._arrivals_count - self.used
        arrived = arrivals.by(until)
        if until >= self._latest[0]:
            self._latest = (until, arrived)
        return arrived - self.used

    @property
    def on_order(self) -> int:
        """Components ordered and not yet shipped by their source."""
        return self.ordered - self._arrivals_count

    def close_month(self, month: int) -> None:
        """Record the stock at the end of the month: on hand, on the way, on order."""
        arrivals, end = self.arrivals, month + 1.0
        shipped = self._arrivals_count
        # Every component shipped has arrived by the last arrival, and the arrivals by the
        # month's end are known when a stretch ended there: no search.
        if end >= arrivals.last:
            arrived = shipped
        else:
            latest, arrived = self._latest
            if latest != end:
                arrived = arrivals.by(end)
        self._inventory[month] = arrived - self.used
        self._transit[month] = shipped - arrived
        self._on_order[month] = self.ordered - shipped  # self.on_order

    def receive(
        self,
        shipped: FinishTimes,
        lead: np.ndarray | None = None,
        month: int | None = None,
        span: tuple[float, float] | None = None,
    ) -> None:
        """Components shipped at month-times ``shipped`` (in time order), to arrive
        ``lead`` months later (a 0-d array; ``None``: at once, from the shelf). The caller
        may say what it knows already: ``month``, the month all were shipped in, and
        ``span``, the first and last arrival month-times.

        Sources differ in lead time, so a shipment may arrive before one already on its
        way; it never arrives before a component already used (it ships after them).
        """
        count = shipped.count
        if not count:
            return
        if month is None:
            count_by_month(self._shipped, shipped.times())
        else:
            self._shipped[month] += count  # count_by_month, without the search
        self.arrivals.add(shipped, span, lead)
        self._arrivals_count += count
        self._latest = NOT_ASKED  # the arrivals by that time may have changed

    def replan(self, required: int) -> None:
        """Order the net requirement: ``required`` plus the buffer stock, less on hand
        and on order.

        Material requirements planning netting (Orlicky, *Material Requirements
        Planning*, 1975), with the buffer as safety stock: a source is never asked for
        components that no order and no buffer needs.
        """
        # On hand and on order together: everything ordered and not yet used.
        shortfall = required + self._buffer - (self.ordered - self.used)
        if shortfall > 0:
            self._place([(math.nan, shortfall)], shortfall)

    def rebalance(self) -> None:
        """Take back the orders no source has begun, and split them again by the rule.

        The periodic regeneration of material requirements planning: a second source
        that qualifies, or a primary whose backlog has cleared, gets orders that were
        waiting elsewhere. Orders keep the time they were first placed.
        """
        if len(self.sources) < 2:
            return
        waiting: list[tuple[float, int]] = []
        quantity = 0
        for source in self.sources:
            taken = source.withdraw(self.buyer)
            units = sum(count for _, count in taken)
            self.ordered -= units
            self.ordered_from[source.id] -= units
            waiting += taken
            quantity += units
        if waiting:
            self._place(sorted(waiting), quantity)

    def _place(self, orders: list[tuple[float, int]], quantity: int) -> None:
        """Give ``orders`` ((when first placed or NaN for now, units), oldest first; their
        units add up to ``quantity``) to the sources, split by the rule: the first sources
        in rule order get the oldest."""
        if len(self.sources) == 1:  # the one source takes each order as it is
            source = self.sources[0]
            self.ordered += quantity
            self.ordered_from[source.id] += quantity
            for placed, units in orders:
                source.order(self, units, None if math.isnan(placed) else placed)
            return
        split = self._split(quantity)
        queue = [list(order) for order in orders]
        for i in self._rule_order():
            source, quantity = self.sources[i], split[i]
            self.ordered += quantity
            self.ordered_from[source.id] += quantity
            while quantity:
                head = queue[0]
                units = min(int(head[1]), quantity)
                source.order(self, units, None if math.isnan(head[0]) else head[0])
                head[1] -= units
                quantity -= units
                if not head[1]:
                    queue.pop(0)

    def _rule_order(self) -> list[int]:
        """Sources in the rule's order: primary first for overflow, else by id."""
        sourcing = self._sourcing
        if sourcing is None or sourcing.rule is not SourcingRule.PRIMARY_OVERFLOW:
            return list(range(len(self.sources)))
        rank = {name: position for position, name in enumerate(sourcing.order)}
        return sorted(range(len(self.sources)), key=lambda i: rank[self.sources[i].id])

    def _split(self, quantity: int) -> list[int]:
        """Units of a new order for each source, by the sourcing rule."""
        sourcing = self._sourcing
        if len(self.sources) == 1 or sourcing is None:
            return [quantity] + [0] * (len(self.sources) - 1)
        if sourcing.rule is SourcingRule.SHARES:
            return split_by_shares(quantity, self.ordered_from, sourcing.shares)
        return self._overflow(quantity, sourcing)

    def _overflow(self, quantity: int, sourcing: Sourcing) -> list[int]:
        """Primary first: each source in ``order`` takes what fits in its window."""
        ranked = self._rule_order()
        given = [0] * len(self.sources)
        for position, i in enumerate(ranked):
            last = position == len(ranked) - 1
            room = self.sources[i].room_within(sourcing.overflow_after_months)
            take = quantity if last else min(quantity, max(math.floor(room), 0))
            given[i] = take
            quantity -= take
        return given


def split_by_shares(
    quantity: int, ordered_from: Mapping[str, int], shares: Mapping[str, float]
) -> list[int]:
    """Split a new order so that each source's cumulative orders track its share.

    The cumulative targets are whole units by largest remainder (Hamilton's method), so
    rounding never drifts: after any order, each source is within one unit of its share
    of everything ordered.

    >>> split_by_shares(10, {"a": 0, "b": 0}, {"a": 0.7, "b": 0.3})
    [7, 3]
    >>> split_by_shares(1, {"a": 7, "b": 3}, {"a": 0.5, "b": 0.5})
    [0, 1]
    """
    names = list(ordered_from)
    total = sum(ordered_from.values()) + quantity
    exact = [shares[name] * total - ordered_from[name] for name in names]
    given = [max(math.floor(value), 0) for value in exact]
    while sum(given) > quantity:
        ahead = [i for i in range(len(names)) if given[i] > 0]
        largest = max(ahead, key=lambda i: (given[i] - exact[i], -i))
        given[largest] -= 1
    order = sorted(range(len(names)), key=lambda i: (-(exact[i] - given[i]), i))
    for i in order[: quantity - sum(given)]:
        given[i] += 1
    return given


__all__ = ["Inbound", "Source", "split_by_shares"]
