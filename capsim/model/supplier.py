"""Component suppliers: work their backlog at a capacity rate; ship after a lead time."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable

import numpy as np

from capsim.model.capacity import CapacityCurve, RateServer
from capsim.model.context import Context, Inspection, starts_for
from capsim.model.records import EventRow
from capsim.model.timebase import month_index, month_indices
from capsim.scenario.production import Supplier

MAX_OUTAGES = 100_000
"""Outages drawn for one supplier at most, so that no input can make a run unbounded."""

Requirement = Callable[[], int]
"""A buyer's gross requirement: components its open contracts still need."""


class SupplierState:
    """One supplier of one component, and the line-side stock of that component.

    The supplier makes good components one after another at its capacity rate
    (:class:`~capsim.model.capacity.RateServer`), each from a geometric number of starts
    at its yield. Orders come from :meth:`replan`, released at the time they are placed.
    A good component reaches the line ``lead_time_months`` after it is made, in
    month-time (a calendar month is a month). Outages are drawn for the whole horizon at
    the start (exponential times between and durations, from the supplier's own stream)
    and make the capacity zero while they last.
    """

    def __init__(
        self, supplier_id: str, spec: Supplier, context: Context, rng: np.random.Generator
    ):
        self.id = supplier_id
        self.component = spec.component
        self._context = context
        self._lead = spec.lead_time_months
        self._inspection = Inspection(spec.yield_, rng)
        self._perfect = spec.yield_ >= 1.0
        self.outages = _draw_outages(spec, context, rng)
        """Outage intervals, in month-time."""
        curve = CapacityCurve.from_schedule(spec.capacity, context.timebase, outages=self.outages)
        self._server = RateServer(curve)
        self._time = 0.0
        self._orders: list[tuple[float, int]] = []
        """Good components ordered and not yet started: (release month-time, count)."""
        self.backlog = 0
        """Good components ordered and not yet made."""
        self.arrivals: list[float] = [-math.inf] * spec.initial_inventory
        """Month-time at which each component reached (or will reach) the line, in order."""
        self.used = 0
        """Components taken from the line-side stock into kits."""
        self._requirements: list[Requirement] = []
        recorder = context.recorder
        series = recorder.new_series
        months = context.calendar.months
        self._made = np.zeros(months)
        self._scrapped = np.zeros(months)
        recorder.add_array("supplier", supplier_id, "production", self._made, holder=spec.component)
        recorder.add_array(
            "supplier", supplier_id, "scrapped", self._scrapped, holder=spec.component
        )
        self._backlog = series("supplier", supplier_id, "backlog", holder=spec.component)
        self._inventory = series("supplier", supplier_id, "inventory", holder=spec.component)
        self._transit = series("supplier", supplier_id, "in_transit", holder=spec.component)
        for begin, end in self.outages:
            if begin < months:
                date = context.calendar.date(context.timebase.day(begin))
                days = context.timebase.day(end) - context.timebase.day(begin)
                recorder.events.append(
                    EventRow(date, "outage", supplier_id, "", spec.component, days)
                )

    def add_requirement(self, requirement: Requirement) -> None:
        """Register a buyer's gross requirement (a line, for its open contracts)."""
        self._requirements.append(requirement)

    def arrived(self, until: float) -> int:
        """Components at the line by month-time ``until`` (used or not)."""
        return bisect.bisect_right(self.arrivals, until)

    def on_hand(self, until: float) -> int:
        """Components at the line and not yet used, at month-time ``until``."""
        return self.arrived(until) - self.used

    def replan(self) -> None:
        """Order the net requirement: what buyers need, less on hand and on order.

        Material requirements planning netting (Orlicky, *Material Requirements
        Planning*, 1975), without safety stock: a supplier is never asked for components
        no open contract needs. Components made but still in transit count as on order.
        """
        required = sum(requirement() for requirement in self._requirements)
        on_hand_and_on_order = len(self.arrivals) - self.used + self.backlog
        shortfall = required - on_hand_and_on_order
        if shortfall > 0:
            self.backlog += shortfall
            self._orders.append((self._context.now_month_time, shortfall))

    def advance(self, until: float) -> None:
        """Make components up to month-time ``until``; each good one joins ``arrivals``."""
        if until <= self._time:
            return
        if self._orders and self._perfect and self._orders[-1][0] <= self._time:
            # Every order released already and every start good: a closed form.
            done = self._server.work_backlog(self._time, until, self.backlog)
            self._complete(done.finish_times)
            self._drop(done.finished)
        elif self._orders:
            server = self._server
            passes = self._inspection.peek(server.room(self._time, until))
            count = starts_for(passes, self.backlog)
            passes = passes[:count]
            ordered = self._queued(max(int(passes.sum()), 1))
            good_before = np.cumsum(passes) - passes
            releases = ordered[np.minimum(good_before, len(ordered) - 1)]
            done = server.work(self._time, until, releases, np.ones(count))
            self._inspection.take(done.finished)
            ended = passes[: done.finished]
            scrapped = done.finished - int(ended.sum())
            if scrapped:
                self._scrapped[month_index(until, len(self._scrapped))] += scrapped
            self._complete(done.finish_times[ended])
            self._drop(int(ended.sum()))
        self._time = until

    def close_month(self, month: int) -> None:
        """Record the end-of-month state."""
        end = float(month + 1)
        self._backlog[month] = self.backlog
        arrived = self.arrived(end)
        self._inventory[month] = arrived - self.used
        self._transit[month] = len(self.arrivals) - arrived

    def _queued(self, most: int) -> np.ndarray:
        """Release times of the first ``most`` components ordered and not made."""
        chunks, count = [], 0
        for release, number in self._orders:
            take = min(number, most - count)
            chunks.append(np.full(take, release))
            count += take
            if count >= most:
                break
        return np.concatenate(chunks)

    def _drop(self, finished: int) -> None:
        while finished and self._orders:
            release, count = self._orders[0]
            if count <= finished:
                self._orders.pop(0)
                finished -= count
            else:
                self._orders[0] = (release, count - finished)
                finished = 0

    def _complete(self, times: np.ndarray) -> None:
        """Good components made at ``times``."""
        if not len(times):
            return
        months = len(self._made)
        first_month, last_month = month_index(times[0], months), month_index(times[-1], months)
        if first_month == last_month:
            self._made[first_month] += len(times)
        else:
            np.add.at(self._made, month_indices(times, months), 1.0)
        self.backlog -= len(times)
        self.arrivals.extend((times + self._lead).tolist())


def _draw_outages(
    spec: Supplier, context: Context, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Outages over the horizon, in month-time: exponential gaps and durations."""
    disruptions = spec.disruptions
    if disruptions is None:
        return []
    outages: list[tuple[float, float]] = []
    clock = 0.0
    horizon = float(context.calendar.months)
    while len(outages) < MAX_OUTAGES:
        clock += rng.exponential(disruptions.mean_time_between_months)
        if clock >= horizon:
            return outages
        end = clock + rng.exponential(disruptions.mean_duration_months)
        outages.append((clock, end))
        clock = end
    return outages
