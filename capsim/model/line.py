"""Production lines: final assembly against funded backlog, limited by capacity and kits."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from capsim.model.allocation import Claimants, allocate
from capsim.model.assembly import work_stretch
from capsim.model.capacity import CapacityCurve
from capsim.model.context import Context, Inspection
from capsim.model.contract import Contract, needed
from capsim.model.expansion import Expanded, GrowingCapacity
from capsim.model.finish_times import FinishTimes
from capsim.model.kit import NO_WORK, Kit
from capsim.model.learning import batch_cost
from capsim.model.records import MonthlyIdle, most_idle, series_keys
from capsim.model.streams import StreamMaker
from capsim.model.timebase import count_by_month, count_in_month, month_index, month_indices
from capsim.model.trace import trace
from capsim.scenario.production import Line

if TYPE_CHECKING:
    from capsim.model.orders import OrderBook


class Constraint(StrEnum):
    """What bound a line's output in a month (a component is reported by its name)."""

    CAPACITY = "capacity"
    FUNDING = "funding"
    """No order could be built, and an order or a policy was waiting for money."""
    BACKLOG = "backlog"
    """No orders left to build."""
    NONE = "none"
    """The line built all the contracts' delivery schedules allowed."""


_CAPACITY, _FUNDING, _BACKLOG, _NONE = (
    Constraint.CAPACITY, Constraint.FUNDING, Constraint.BACKLOG, Constraint.NONE,
)  # fmt: skip
"""The constraints as module names: read in each month's close (a global is cheaper)."""

_SERIES = (
    "production",
    "starts",
    "scrapped",
    "capacity",
    "backlog",
    "production_cost_usd",
    "below_minimum_sustaining_rate",
)
"""A line's monthly series, in registration order: lists, written one value at a time
(a list's item is a Python float, which adds a whole number as an array's does, without
numpy's scalars)."""


class LineState:
    """One final-assembly line during a run.

    Assembly is a rate process (:class:`~capsim.model.capacity.RateServer`): units are
    started one after another at the capacity rate (the schedule, ramped in month-time,
    plus funded expansions from their effective time), each as soon as the line is free,
    a kit is at the line and a contract may take it. A contract may take units from the
    moment it is eligible (its first-delivery date less the line's delivery lag) up to
    its monthly cap. A unit that fails acceptance (probability ``1 - acceptance_yield``)
    is scrapped and made again from a new kit at once, so a good unit takes a geometric
    number of starts. Finished units are divided between contracts by the line's
    allocation rule and land in the buyer's stockpile after ``delivery_lag_months``.

    Which constraint bound a month is the reason for most of the capacity left idle in
    it: waiting for a component's kits, or having nothing the contracts allow to start;
    a line idle for less than one unit's worth of capacity was bound by capacity.
    """

    def __init__(
        self, line_id: str, spec: Line, kit: Kit, context: Context, rng: StreamMaker
    ) -> None:
        self.id = line_id
        self.spec = spec
        self.kit = kit
        self._context = context
        self._inspection = Inspection(spec.acceptance_yield, rng)
        timebase = context.timebase
        self.capacity = GrowingCapacity(
            Expanded(line_id, "", spec.system),
            spec.expansions,
            lambda steps: CapacityCurve.from_schedule(spec.capacity, timebase, spec.ramp, steps),
            context.calendar.months,
        )
        self._server = self.capacity.server
        self._time = 0.0
        self.contracts: list[Contract] = []
        self._eligible_now: list[Contract] | None = None
        """The contracts :meth:`_eligible` found last, while none has been awarded or
        built out since (``None`` once one has)."""
        self._eligible_since = math.inf
        """The month-time at which they were found."""
        self._next_eligible = math.inf
        """The earliest month-time from which a contract not among those may be built."""
        self._claimants: Claimants | None = None
        """Those contracts laid out for the allocation rule, once it has divided units
        among them (``None`` until then, and once they are found again)."""
        self._after_scrap = False
        self.orders: OrderBook | None = None
        """The order book, to tell a line waiting for money from one without orders."""
        months = context.calendar.months
        self._lost = MonthlyIdle(months)
        self._started_total = 0
        system = spec.system
        recorder = context.recorder
        (
            self._production,
            self._starts,
            self._scrapped,
            self._capacity,
            self._backlog,
            self._cost,
            self._below_msr,
        ) = recorder.new_series_group(series_keys("line", line_id, _SERIES, system))
        self._constraints = recorder.new_constraint_log(line_id)
        self.traces = recorder.new_trace_log(line_id)
        self._stocks = {component: part.inbound for component, part in kit.parts.items()}
        """The line's stock of each component, where a trace of what bound it starts."""

    def add_contract(self, contract: Contract) -> None:
        """Take on an awarded contract and order the components it needs."""
        self.contracts.append(contract)
        self._eligible_now = None
        self._order_components()

    def advance(self, until: float) -> None:
        """Assemble units up to month-time ``until``; ship each as it is finished."""
        start = self._time
        if until <= start:
            return
        self._time = until
        jobs = needed(self._eligible(start))
        stretch = work_stretch(self._server, self._inspection, self.kit, start, until, jobs)
        # The months of the horizon: the production series' length is read without the
        # call into Python that the idle record's ``len`` makes.
        month = month_index(until, len(self._production))
        lost = self._lost[month]
        for reason, amount in stretch.idle.items():
            lost[reason] = lost.get(reason, 0.0) + amount
        if stretch.started > 0:
            self._starts[month] += stretch.started
        scrapped = stretch.scrapped
        if scrapped:  # adding no scrap changes no count
            self._scrapped[month] += scrapped
        finished = stretch.finished_at
        if finished.count or scrapped:  # else nothing to count, hand over or replan
            self._finish(finished, scrapped > 0)

    def close_month(self, month: int) -> None:
        """Record the month: output, backlog, cost and what bound it."""
        self.capacity.record(self._capacity, month)
        # One pass over the contracts: the backlog, whether one is built out, and their
        # monthly caps opened again (nothing below reads a contract's month's units).
        backlog = 0
        built_out = False
        for contract in self.contracts:
            remaining = contract.remaining
            backlog += remaining
            if not remaining:
                built_out = True
            contract.built_this_month = 0
        self._backlog[month] = backlog
        spec = self.spec
        learning = spec.learning_curve
        if learning is not None:  # the count of starts serves only the cost
            starts = int(self._starts[month])
            self._cost[month] = batch_cost(learning, self._started_total, starts)
            self._started_total += starts
        minimum = spec.minimum_sustaining_rate
        if minimum > 0:
            # A month's production is a count of finished units (those no contract took
            # come off the count they were added to), never negative: below a minimum of
            # zero never, and the series stays at its 0.0.
            self._below_msr[month] = float(self._production[month] < minimum)
        constraint = self._binding(self._lost.close(month), backlog)
        self._constraints.append(constraint)
        # A constraint that is not one of the line's components (capacity, money, orders,
        # none) ends its trace at the line: the pair ``trace`` returns, without its call.
        stocks = self._stocks
        self.traces.append(
            trace(self.id, constraint, month, stocks)
            if constraint in stocks
            else (self.id, constraint)
        )
        self.kit.close_month(month)
        if built_out:  # a contract is done: it leaves the line
            self.contracts = [contract for contract in self.contracts if contract.remaining]

    def _eligible(self, time: float) -> list[Contract]:
        """The contracts with units to build that may take one at month-time ``time``.

        The line asks at times that do not go back, so the contracts found last still
        are the answer until a contract is awarded or built out, or ``time`` reaches the
        eligibility of one not among them: the list is kept until then (callers only
        read it).
        """
        eligible = self._eligible_now
        if (
            eligible is not None
            and self._eligible_since <= time
            and self._next_eligible > time + 1e-9  # the test below, on the earliest of them
        ):
            return eligible
        eligible = []
        later = math.inf
        for contract in self.contracts:
            if contract.remaining:
                if contract.eligible_from <= time + 1e-9:
                    eligible.append(contract)
                elif contract.eligible_from < later:
                    later = contract.eligible_from
        self._eligible_now = eligible
        self._claimants = None
        self._eligible_since = time
        self._next_eligible = later
        return eligible

    def _finish(self, finished: FinishTimes, scrapped: bool) -> None:
        """Count finished good units, hand them to contracts, and replan after a scrap."""
        count = finished.count
        if count:
            first, last = finished.span()
            if not count_in_month(self._production, first, last, count):
                count_by_month(self._production, finished.times())
            eligible = self._eligible(last)
            claimants = self._claimants
            if claimants is None:
                claimants = self._claimants = Claimants(eligible)
            given = allocate(self.spec, claimants, count)
            offset = 0
            for contract, units in zip(eligible, given, strict=True):
                if units:
                    contract.ship(finished.part(offset, units))
                    offset += units
                    if not contract.remaining:  # built out: no longer eligible
                        self._eligible_now = None
            if offset < count:
                self._unassigned(finished.part(offset, count - offset).times())
        if scrapped:
            self._after_scrap = True
            self._order_components()
            self._after_scrap = False

    def _unassigned(self, times: np.ndarray) -> None:
        """Units finished with no contract left to take them (a contract cut short)."""
        production = self._production
        for month in month_indices(times, len(production)).tolist():
            production[month] -= 1.0

    def _binding(self, lost: Mapping[str, float], backlog: int) -> str:
        """What bound the month, given its idle units by reason and the units the
        contracts still have to build (each contract's are never negative, so a backlog
        means one has units left).

        The constraints are returned as the module's names for them: an enum member read
        from its class costs several times a global's lookup, and it is the same member.
        """
        idle = sum(lost.values())
        if idle < 1.0 - 1e-9:
            return _CAPACITY
        reason = most_idle(lost)
        if reason != NO_WORK:
            return reason
        if backlog:
            return _NONE
        orders = self.orders
        if orders is not None and orders.short_of_money(self.id):
            return _FUNDING
        return _BACKLOG

    def plan(self) -> None:
        """The monthly planning run: with a planning horizon, order the coming months'."""
        if self.spec.planning_horizon_months is not None:
            self._order_components()

    def _order_components(self) -> None:
        """Order what the open contracts still need, with a planned scrap allowance.

        When a contract is awarded, the starts needed for the remaining good units at
        the acceptance yield. After a scrap, only what finishing needs if every start
        passes: the allowance was planned already. The start in progress holds its kit.
        With a planning horizon, only the starts the line's capacity allows within it
        (time-phased, as a supplier plans its own material; Orlicky, 1975).
        """
        starts = self._starts_needed(0)
        horizon = self.spec.planning_horizon_months
        if horizon is not None:
            now = self._context.now_month_time
            within = math.ceil(self._server.curve.between(now, now + horizon) - 1e-9)
            starts = min(starts, within)
        self.kit.replan(starts)

    def buy_ahead(self, components: Collection[str], units: int) -> None:
        """Order ``components`` for ``units`` not yet on contract (advance procurement),
        on top of what the open contracts need."""
        starts = self._starts_needed(units)
        for component in sorted(components):
            part = self.kit.parts[component]
            part.inbound.replan(part.per_unit * max(starts, 0))

    def _starts_needed(self, extra_units: int) -> int:
        """Starts still to make for the open contracts and ``extra_units`` more."""
        remaining = sum(contract.remaining for contract in self.contracts) + extra_units
        busy = int(self._server.busy)
        if self._after_scrap:
            return remaining - busy
        return math.ceil(remaining / self.spec.acceptance_yield - 1e-9) - busy


__all__ = ["Constraint", "LineState"]
