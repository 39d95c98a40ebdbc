"""Funded capacity expansions of a line or a supplier: pay on a date, add after a lead time."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, MutableSequence
from functools import lru_cache
from typing import NamedTuple

import simpy

from capsim.model.budget import Treasury
from capsim.model.capacity import CapacityCurve, RateServer
from capsim.model.context import Context
from capsim.model.records import EventRow
from capsim.model.timebase import Phase, at
from capsim.scenario.production import Expansion


class Expanded(NamedTuple):
    """What an expansion expands, for the records."""

    node: str
    """The line or supplier id."""
    expansion: str
    """The expansion's id under the node."""
    label: str
    """The system a line builds, or the component a supplier makes."""


AddCapacity = Callable[[float, float], None]
"""Add ``rate`` units a month from month-time ``effective`` on."""


def fund_expansion(
    context: Context,
    treasury: Treasury,
    owner: Expanded,
    expansion: Expansion,
    add_capacity: AddCapacity,
) -> Generator[simpy.Event, None, None]:
    """Process: fund an expansion on its date (waiting for money), then add capacity.

    The capacity is added ``lead_time_months`` after the funding, in
    month-time.
    """
    env = context.env
    yield env.timeout(max(at(context.calendar.day(expansion.funded), Phase.MONEY) - env.now, 0))
    account = expansion.account
    paid = expansion.cost > 0
    if account is not None and paid:
        while not treasury.can_pay(account, expansion.cost):
            yield treasury.funds_arrived(account)
    context.sync()
    if account is not None and paid:
        reference = f"{owner.node}.{owner.expansion}"
        treasury.obligate(account, expansion.cost, context.month, reference)
    context.recorder.events.append(
        EventRow(
            context.calendar.date(env.now),
            "expansion",
            owner.expansion,
            owner.label,
            "",
            expansion.added_rate,
            expansion.cost,
            env.now,
        )
    )
    add_capacity(context.now_month_time + expansion.lead_time_months, expansion.added_rate)


Steps = list[tuple[float, float]]
"""Capacity added so far: (effective month-time, units a month)."""


@lru_cache(maxsize=128)
def monthly_capacity(curve: CapacityCurve, months: int) -> tuple[float, ...]:
    """Units of capacity of ``curve`` in each of the first ``months`` months.

    Replications of a scenario share their curves (:meth:`CapacityCurve.from_schedule`),
    so each curve's months are worked out once, not at every month's close of every run.
    """
    return tuple(curve.between(float(month), month + 1.0) for month in range(months))


class GrowingCapacity:
    """A node's capacity: its schedule, plus the steps its funded expansions add.

    ``server`` works at the current curve; each expansion, once in effect, rebuilds the
    curve with its step (``curve`` makes a curve from the steps so far). ``months`` is
    the horizon, for :meth:`in_month`.
    """

    def __init__(
        self,
        node: Expanded,
        expansions: Mapping[str, Expansion],
        curve: Callable[[Steps], CapacityCurve],
        months: int,
    ) -> None:
        self._node = node
        self._expansions = expansions
        self._curve = curve
        self._months = months
        self.steps: Steps = []
        self.server = RateServer(curve(self.steps))
        self._recorded_curve: CapacityCurve | None = None
        """The curve whose months :meth:`record` wrote last (none at first)."""

    def record(self, series: MutableSequence[float], month: int) -> None:
        """Write the units of capacity of month ``month`` (month-time ``month`` to
        ``month + 1``) into ``series``, on the curve in effect now.

        The months after it are written too, when the curve has changed since the last
        call: a later close on the same curve would write the same value of its month,
        and an expansion's new curve writes its months from there on again. A month's
        value is that of the curve at its close.
        """
        curve = self.server.curve
        if curve is not self._recorded_curve:
            self._recorded_curve = curve
            series[month:] = monthly_capacity(curve, self._months)[month:]

    def funding(
        self, context: Context, treasury: Treasury
    ) -> list[Generator[simpy.Event, None, None]]:
        """One process per expansion (by id): fund it, then add its capacity."""
        return [
            fund_expansion(
                context, treasury, self._node._replace(expansion=key), expansion, self._add
            )
            for key, expansion in sorted(self._expansions.items())
        ]

    def _add(self, effective: float, rate: float) -> None:
        self.steps.append((effective, rate))
        self.server.switch_curve(self._curve(self.steps))


__all__ = ["AddCapacity", "Expanded", "GrowingCapacity", "fund_expansion", "monthly_capacity"]
