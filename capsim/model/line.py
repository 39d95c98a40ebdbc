"""Production lines: final assembly against funded backlog, limited by capacity and kits."""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import simpy

from capsim.model.allocation import allocate
from capsim.model.capacity import CapacityCurve, RateServer
from capsim.model.context import Context, Inspection, starts_for
from capsim.model.contract import Contract
from capsim.model.learning import batch_cost
from capsim.model.records import EventRow
from capsim.model.supplier import Requirement, SupplierState
from capsim.model.timebase import Phase, at, month_index, month_indices
from capsim.scenario.production import Expansion, Line

if TYPE_CHECKING:
    from capsim.model.budget import Treasury
    from capsim.model.orders import OrderBook

NO_WORK = ""
"""Reason for idle capacity: nothing the contracts allowed was left to start."""


class Constraint(StrEnum):
    """What bound a line's output in a month (a component is reported by its name)."""

    CAPACITY = "capacity"
    FUNDING = "funding"
    """No order could be built, and an order or a policy was waiting for money."""
    BACKLOG = "backlog"
    """No orders left to build."""
    NONE = "none"
    """The line built all the contracts' delivery schedules allowed."""


@dataclass(frozen=True)
class KitPart:
    """One line of a bill of materials: how many of a component, from which supplier."""

    per_unit: int
    supplier: SupplierState


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
        self,
        line_id: str,
        spec: Line,
        kit: Mapping[str, KitPart],
        context: Context,
        rng: np.random.Generator,
    ) -> None:
        self.id = line_id
        self.spec = spec
        self._kit = dict(sorted(kit.items()))
        self._context = context
        self._inspection = Inspection(spec.acceptance_yield, rng)
        self._steps: list[tuple[float, float]] = []
        self._server = RateServer(self._curve())
        self._time = 0.0
        self.contracts: list[Contract] = []
        self._after_scrap = False
        self.orders: OrderBook | None = None
        """The order book, to tell a line waiting for money from one without orders."""
        for component, part in self._kit.items():
            part.supplier.add_requirement(self._requirement_for(component))
        months = context.calendar.months
        self._lost: list[dict[str, float]] = [{} for _ in range(months)]
        self._started_total = 0
        system = spec.system
        recorder = context.recorder
        self._production = np.zeros(months)
        self._starts = np.zeros(months)
        recorder.add_array("line", line_id, "production", self._production, system)
        recorder.add_array("line", line_id, "starts", self._starts, system)
        series = recorder.new_series
        self._scrapped = series("line", line_id, "scrapped", system)
        self._capacity = series("line", line_id, "capacity", system)
        self._backlog = series("line", line_id, "backlog", system)
        self._cost = series("line", line_id, "production_cost_usd", system)
        self._below_msr = series("line", line_id, "below_minimum_sustaining_rate", system)
        self._constraints = recorder.new_constraint_log(line_id)

    def add_contract(self, contract: Contract) -> None:
        """Take on an awarded contract and order the components it needs."""
        self.contracts.append(contract)
        self._order_components()

    def advance(self, until: float) -> None:
        """Assemble units up to month-time ``until``; ship each as it is finished."""
        start = self._time
        if until <= start:
            return
        self._time = until
        server = self._server
        month = month_index(until, len(self._lost))
        lost = self._lost[month]
        carried = int(server.busy)
        jobs = max(sum(contract.need() for contract in self._eligible(start)), carried)
        if not jobs:
            lost[NO_WORK] = lost.get(NO_WORK, 0.0) + server.idle(start, until)
            return
        most = min(server.room(start, until), carried + self._kits_on_hand(until))
        passes = self._inspection.peek(most)
        passes = passes[: max(starts_for(passes, jobs), carried)]
        kits_needed = np.arange(1, len(passes) - carried + 1)
        ready, gating, short = self._kit_times(kits_needed, until)
        releases = np.maximum(ready, start)
        if carried:
            releases = np.concatenate(([start], releases))
        done = server.work(start, until, releases, np.ones(len(releases)))
        self._inspection.take(done.finished)
        newly = done.started - carried
        for reason, gap in zip(gating[:newly], done.gaps.tolist(), strict=True):
            lost[reason] = lost.get(reason, 0.0) + gap
        if done.idle_after:
            enough = int(passes[: len(releases)].sum()) >= jobs
            reason = NO_WORK if enough else (short or NO_WORK)
            lost[reason] = lost.get(reason, 0.0) + done.idle_after
        if newly > 0:
            self._starts[month] += newly
            for part in self._kit.values():
                part.supplier.used += newly * part.per_unit
        ended = passes[: done.finished]
        self._scrapped[month] += done.finished - int(ended.sum())
        self._finish(done.finish_times[ended], done.finished > int(ended.sum()))

    def close_month(self, month: int) -> None:
        """Record the month: output, backlog, cost and what bound it."""
        curve = self._server.curve
        capacity = curve.level(month + 1.0) - curve.level(float(month))
        self._capacity[month] = capacity
        self._backlog[month] = sum(contract.remaining for contract in self.contracts)
        starts = int(self._starts[month])
        learning = self.spec.learning_curve
        if learning is not None:
            self._cost[month] = batch_cost(learning, self._started_total, starts)
        self._started_total += starts
        self._below_msr[month] = float(self._production[month] < self.spec.minimum_sustaining_rate)
        self._constraints.append(self._binding(self._lost[month]))
        for contract in self.contracts:
            contract.built_this_month = 0
        self.contracts = [contract for contract in self.contracts if contract.remaining]

    def expand(
        self, expansion_id: str, expansion: Expansion, treasury: Treasury
    ) -> Generator[simpy.Event, None, None]:
        """Process: fund an expansion on its date (waiting for money), then add capacity.

        The capacity is added ``lead_time_months`` after the funding, in month-time.
        """
        context = self._context
        env = context.env
        yield env.timeout(max(at(context.calendar.day(expansion.funded), Phase.MONEY) - env.now, 0))
        account = expansion.account
        if account is not None and expansion.cost > 0:
            while not treasury.can_pay(account, expansion.cost):
                yield treasury.funds_arrived(account)
        context.sync()
        if account is not None and expansion.cost > 0:
            treasury.obligate(account, expansion.cost, context.month, f"{self.id}.{expansion_id}")
        context.recorder.events.append(
            EventRow(
                context.calendar.date(env.now),
                "expansion",
                expansion_id,
                self.spec.system,
                "",
                expansion.added_rate,
                expansion.cost,
                env.now,
            )
        )
        self._steps.append(
            (context.now_month_time + expansion.lead_time_months, expansion.added_rate)
        )
        self._server.curve = self._curve()

    def _curve(self) -> CapacityCurve:
        spec = self.spec
        return CapacityCurve.from_schedule(
            spec.capacity, self._context.timebase, spec.ramp, steps=self._steps
        )

    def _eligible(self, time: float) -> list[Contract]:
        return [
            contract
            for contract in self.contracts
            if contract.remaining and contract.eligible_from <= time + 1e-9
        ]

    def _kits_on_hand(self, until: float) -> int:
        """Whole kits at the line by month-time ``until``."""
        if not self._kit:
            return 1 << 62
        return min(
            (part.supplier.arrived(until) - part.supplier.used) // part.per_unit
            for part in self._kit.values()
        )

    def _kit_times(
        self, kits_needed: np.ndarray, until: float
    ) -> tuple[np.ndarray, list[str], str]:
        """When each job's kits are all at the line, for the jobs whose kits arrive by ``until``.

        Returns the ready times, the component that came last for each job, and the
        component that ran out (what stops the next job), if any.
        """
        count = len(kits_needed)
        if not self._kit:
            return np.zeros(count), [NO_WORK] * count, NO_WORK
        ready = np.full(count, -np.inf)
        gating = np.zeros(count, dtype=np.int64)
        names = list(self._kit)
        fewest, fewest_kits, short = count, None, NO_WORK
        for code, part in enumerate(self._kit.values()):
            supplier = part.supplier
            kits = (supplier.arrived(until) - supplier.used) // part.per_unit
            if fewest_kits is None or kits < fewest_kits:
                fewest_kits, short = kits, names[code]
            jobs = int(np.searchsorted(kits_needed, kits, side="right"))
            fewest = min(fewest, jobs)
            if not jobs:
                continue
            first = supplier.used
            last_needed = kits_needed[:jobs] * part.per_unit - 1
            arrivals = np.array(supplier.arrivals[first : first + int(last_needed[-1]) + 1])
            times = arrivals[last_needed]
            later = times > ready[:jobs]
            ready[:jobs] = np.maximum(times, ready[:jobs])
            gating[:jobs][later] = code
        return ready[:fewest], [names[code] for code in gating[:fewest].tolist()], short

    def _finish(self, times: np.ndarray, scrapped: bool) -> None:
        """Count finished good units, hand them to contracts, and replan after a scrap."""
        count = len(times)
        if count:
            months = len(self._lost)
            first_month = month_index(times[0], months)
            if first_month == month_index(times[-1], months):
                self._production[first_month] += count
            else:
                np.add.at(self._production, month_indices(times, months), 1.0)
            eligible = self._eligible(float(times[-1]))
            given = allocate(self.spec, eligible, count)
            offset = 0
            for contract, units in zip(eligible, given, strict=True):
                contract.ship(times[offset : offset + units])
                offset += units
            self._unassigned(times[offset:])
        if scrapped:
            self._after_scrap = True
            self._order_components()
            self._after_scrap = False

    def _unassigned(self, times: np.ndarray) -> None:
        """Units finished with no contract left to take them (a contract cut short)."""
        if len(times):
            np.add.at(self._production, month_indices(times, len(self._lost)), -1.0)

    def _binding(self, lost: Mapping[str, float]) -> str:
        idle = sum(lost.values())
        if idle < 1.0 - 1e-9:
            return Constraint.CAPACITY
        reason = max(sorted(lost), key=lambda name: lost[name])
        if reason != NO_WORK:
            return reason
        if any(contract.remaining for contract in self.contracts):
            return Constraint.NONE
        orders = self.orders
        if orders is not None and orders.short_of_money(self.id):
            return Constraint.FUNDING
        return Constraint.BACKLOG

    def _order_components(self) -> None:
        for part in self._kit.values():
            part.supplier.replan()

    def _requirement_for(self, component: str) -> Requirement:
        per_unit = self._kit[component].per_unit
        acceptance = self.spec.acceptance_yield

        def requirement() -> int:
            # Planned scrap allowance when a contract is awarded: starts needed for the
            # remaining good units. After a scrap, only what finishing needs if every
            # start passes: the allowance was planned already. The start in progress
            # holds its kit already.
            remaining = sum(contract.remaining for contract in self.contracts)
            if self._after_scrap:
                starts = remaining - self._server.busy
            else:
                starts = math.ceil(remaining / acceptance - 1e-9) - self._server.busy
            return per_unit * max(starts, 0)

        return requirement


__all__ = ["Constraint", "KitPart", "LineState"]
