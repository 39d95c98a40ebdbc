"""Component suppliers: work a backlog of orders at capacity; ship after a lead time."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
import simpy

from capsim.calendar import AVERAGE_DAYS_PER_MONTH, Calendar
from capsim.model.records import Recorder
from capsim.model.schedule import monthly_rates
from capsim.scenario.production import Supplier


class SupplierState:
    """One supplier of one component, and the line-side inventory of that component.

    Each month the supplier starts ``min(backlog, capacity)`` components (capacity is cut
    for days lost to outages). A fraction ``yield`` pass inspection (a binomial draw);
    failures are remade, so the backlog falls only by good units. Orders come from
    :meth:`replan`. Good components reach
    the line ``lead_time_months`` later (whole months, rounded up).
    """

    def __init__(
        self,
        supplier_id: str,
        spec: Supplier,
        calendar: Calendar,
        recorder: Recorder,
        rng: np.random.Generator,
    ) -> None:
        self.id = supplier_id
        self.component = spec.component
        self._spec = spec
        self._calendar = calendar
        self._rng = rng
        self._capacity: list[float] = monthly_rates(spec.capacity, calendar).tolist()
        self._lead = math.ceil(spec.lead_time_months - 1e-9)
        self._arrivals = [0] * (calendar.months + self._lead + 1)
        self._credit = 0.0
        self.backlog = 0
        """Good components ordered and not yet made."""
        self.inventory = spec.initial_inventory
        """Components at the line, ready to kit."""
        self.in_transit = 0
        self._requirements: list[Callable[[], int]] = []
        self.outages: list[tuple[float, float]] = []
        """Outage intervals, in days since the start."""
        series = recorder.new_series
        self._made = series("supplier", supplier_id, "production", holder=spec.component)
        self._scrapped = series("supplier", supplier_id, "scrapped", holder=spec.component)
        self._backlog = series("supplier", supplier_id, "backlog", holder=spec.component)
        self._inventory = series("supplier", supplier_id, "inventory", holder=spec.component)
        self._transit = series("supplier", supplier_id, "in_transit", holder=spec.component)

    @property
    def on_order(self) -> int:
        """Components ordered but not yet at the line (backlog plus in transit)."""
        return self.backlog + self.in_transit

    def add_requirement(self, requirement: Callable[[], int]) -> None:
        """Register a line's gross requirement: components its open contracts still need."""
        self._requirements.append(requirement)

    def replan(self) -> None:
        """Order the net requirement: what lines need, less on hand and on order.

        Material requirements planning netting (Orlicky), without safety stock: a
        supplier is never asked for components no open contract needs.
        """
        required = sum(requirement() for requirement in self._requirements)
        shortfall = required - self.inventory - self.on_order
        if shortfall > 0:
            self.backlog += shortfall

    def produce(self, month: int) -> None:
        """Make this month's components and receive those whose lead time is up."""
        self._credit += self._capacity[month] * (self._uptime(month) if self.outages else 1.0)
        possible = math.floor(self._credit + 1e-9)
        self._credit -= possible
        started = min(self.backlog, possible)
        good = started
        if started and self._spec.yield_ < 1.0:
            good = int(self._rng.binomial(started, self._spec.yield_))
        self.backlog -= good
        self._arrivals[month + self._lead] += good
        self.in_transit += good
        arrived = self._arrivals[month]
        self.in_transit -= arrived
        self.inventory += arrived
        self._made[month] = good
        self._scrapped[month] = started - good

    def close_month(self, month: int) -> None:
        """Record the end-of-month state."""
        self._backlog[month] = self.backlog
        self._inventory[month] = self.inventory
        self._transit[month] = self.in_transit

    def _uptime(self, month: int) -> float:
        if not self.outages:
            return 1.0
        begin, end = self._calendar.boundary_days[month], self._calendar.boundary_days[month + 1]
        lost = sum(max(0.0, min(end, stop) - max(begin, start)) for start, stop in self.outages)
        return max(0.0, 1.0 - lost / (end - begin))

    def disruptions(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        """Process: random outages, exponential times between and exponential durations."""
        spec = self._spec.disruptions
        if spec is None:
            return
        while True:
            yield env.timeout(
                self._rng.exponential(spec.mean_time_between_months) * AVERAGE_DAYS_PER_MONTH
            )
            start = env.now
            # An outage counts from its start, before anyone knows when it will end.
            self.outages.append((start, math.inf))
            yield env.timeout(
                self._rng.exponential(spec.mean_duration_months) * AVERAGE_DAYS_PER_MONTH
            )
            self.outages[-1] = (start, env.now)
