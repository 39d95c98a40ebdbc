"""A bill of materials at a buyer: the kit of components each start of a unit takes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capsim.model.inbound import Inbound

NO_WORK = ""
"""Reason for idle capacity: nothing the orders allowed was left to start."""

UNLIMITED = 1 << 62
"""Kits on hand of a buyer with no bill of materials."""


@dataclass(frozen=True)
class KitPart:
    """One line of a bill of materials: how many of a component, and its stock."""

    per_unit: int
    inbound: Inbound


class Kit:
    """The components one start takes, each from its buyer-side stock.

    A start takes a whole kit, at the moment it starts; components come out of stock in
    the order they arrived, so no component is used before it arrives.
    """

    def __init__(self, parts: dict[str, KitPart]) -> None:
        self.parts = dict(sorted(parts.items()))
        self.names = list(self.parts) or [NO_WORK]
        """Components by position, as :meth:`ready_times` reports them."""
        self._stocks = [(part.inbound, part.per_unit) for part in self.parts.values()]
        """Each component's stock and units a kit, in the order of :attr:`names`."""
        self.covered = -1
        """Starts whose every component is on hand or on order already, at least (none
        known at first): what :meth:`replan` was last asked for, less the starts made
        since (:meth:`use`). Only planning orders and only starts use, and netting
        orders up to the requirement, so a replan of no more than this orders nothing."""

    def short_at(self, time: float, kits: int) -> list[int]:
        """Positions (in :attr:`names`) of the components with fewer than ``kits`` whole
        kits at the buyer by month-time ``time``: those the next ``kits`` starts may
        still wait for. Empty without a bill of materials."""
        # Loops, not comprehensions, here and in whole_kits: a bill has two or three
        # lines, and a comprehension's own call costs more than its loop saves.
        short = []
        for position, (inbound, per_unit) in enumerate(self._stocks):
            if inbound.on_hand(time) // per_unit < kits:
                short.append(position)
        return short

    def whole_kits(self, until: float) -> tuple[int, str]:
        """Whole kits at the buyer by month-time ``until``, and the component with the
        fewest (the first on ties; :data:`NO_WORK` without a bill of materials)."""
        fewest, position = UNLIMITED, 0  # more than any stock holds
        for index, (inbound, per_unit) in enumerate(self._stocks):
            kits = inbound.on_hand(until) // per_unit
            if kits < fewest:
                fewest, position = kits, index
        return fewest, self.names[position]

    def use(self, starts: int) -> None:
        """``starts`` kits go into units begun."""
        for inbound, per_unit in self._stocks:
            inbound.used += starts * per_unit
        self.covered -= starts

    def close_month(self, month: int) -> None:
        """Record each component's stock at the end of the month."""
        for inbound, _ in self._stocks:
            inbound.close_month(month)

    def replan(self, starts: int) -> None:
        """Order what ``starts`` more starts need (material requirements planning); no
        component is asked for when they are :attr:`covered` already."""
        starts = 0 if starts < 0 else starts  # max(starts, 0), without a builtin call
        if starts <= self.covered:
            return
        for inbound, per_unit in self._stocks:
            inbound.replan(per_unit * starts)
        self.covered = starts

    def ready_times(self, count: int, short: list[int]) -> tuple[np.ndarray, np.ndarray | None]:
        """When each of the next ``count`` starts has its whole kit, counting only the
        components at positions ``short`` (those :meth:`short_at` the stretch's start);
        their kits must all have arrived by the end of the stretch (``count`` at most
        :meth:`whole_kits` then).

        Returns the ready times and, for each start, the component that came last (its
        position in :attr:`names`; the first on ties), or ``None`` when only one
        component is short: it came last for every start. A component with every kit at
        hand by the start cannot hold a start back past it, so leaving it out changes
        neither a ready time later than the start nor which component came last then.
        """
        # The k-th start's kit is complete when the (used + k * per_unit)-th unit arrives.
        rows = []
        for position in short:
            inbound, per_unit = self._stocks[position]
            first = inbound.used
            rows.append(
                inbound.arrivals.take(first + per_unit - 1, first + count * per_unit, per_unit)
            )
        if len(rows) == 1:
            return rows[0], None
        times = np.array(rows)
        return np.maximum.reduce(times, axis=0), np.take(short, times.argmax(axis=0))


__all__ = ["NO_WORK", "Kit", "KitPart"]
