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

    def on_hand(self, until: float) -> int:
        """Whole kits at the buyer by month-time ``until``."""
        return self.whole_kits(until)[0]

    def whole_kits(self, until: float) -> tuple[int, str]:
        """Whole kits at the buyer by month-time ``until``, and the component with the
        fewest (the first on ties; :data:`NO_WORK` without a bill of materials)."""
        if not self._stocks:
            return UNLIMITED, NO_WORK
        kits = [inbound.on_hand(until) // per_unit for inbound, per_unit in self._stocks]
        fewest = min(kits)
        return fewest, self.names[kits.index(fewest)]

    def _positions(self) -> list[tuple[KitPart, int, int]]:
        """Each part, with the position of its first unused unit and its units a kit."""
        return [(part, part.inbound.used, part.per_unit) for part in self.parts.values()]

    def use(self, starts: int) -> None:
        """``starts`` kits go into units begun."""
        for part in self.parts.values():
            part.inbound.used += starts * part.per_unit

    def close_month(self, month: int) -> None:
        """Record each component's stock at the end of the month."""
        for part in self.parts.values():
            part.inbound.close_month(month)

    def replan(self, starts: int) -> None:
        """Order what ``starts`` more starts need (material requirements planning)."""
        for part in self.parts.values():
            part.inbound.replan(part.per_unit * max(starts, 0))

    def ready_times(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """When each of the next ``count`` starts has its whole kit; their kits must all
        have arrived by the end of the stretch (``count`` at most :meth:`on_hand` then).

        Returns the ready times and, for each start, the component that came last (its
        position in :attr:`names`; the first on ties).
        """
        if not self.parts:
            return np.zeros(count), np.zeros(count, dtype=np.int64)
        # The k-th start's kit is complete when the (used + k * per_unit)-th unit arrives.
        rows = [
            part.inbound.arrivals.take(first + per - 1, first + count * per, per)
            for part, first, per in self._positions()
        ]
        if len(rows) == 1:
            return rows[0], np.zeros(count, dtype=np.int64)
        times = np.array(rows)
        return np.maximum.reduce(times, axis=0), times.argmax(axis=0)


__all__ = ["NO_WORK", "Kit", "KitPart"]
