"""Production lines: final assembly against funded backlog, limited by capacity and kits."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Mapping
from enum import StrEnum

import numpy as np
import simpy

from capsim.calendar import Calendar, add_months
from capsim.model.allocation import priority_fill, weighted_fill
from capsim.model.budget import Treasury, money_tolerance
from capsim.model.contract import NOON, ContractState
from capsim.model.learning import batch_cost
from capsim.model.records import EventRow, Recorder
from capsim.model.schedule import monthly_rates
from capsim.model.supplier import SupplierState
from capsim.scenario.production import AllocationRule, Expansion, Line


class Constraint(StrEnum):
    """What bound a line's output in a month (a component is reported by its name)."""

    CAPACITY = "capacity"
    FUNDING = "funding"
    """No order could be built, and an order or a policy was waiting for money."""
    BACKLOG = "backlog"
    """No orders left to build."""
    NONE = "none"
    """The line built all the contracts' delivery schedules allowed."""


class LineState:
    """One final-assembly line during a run.

    Each month the line starts ``min(capacity, kits, eligible backlog)`` units. Capacity
    is the scheduled rate (ramped) plus funded expansions in effect, carried as a
    fractional credit so that 2.5 units/month gives 5 units in 2 months. A kit is one
    unit's bill of materials from the suppliers' line-side stock. Eligible backlog is what
    funded contracts still need, within each contract's monthly delivery cap and not
    before its first-delivery month (less the line's delivery lag). Units pass acceptance
    with probability ``acceptance_yield``; failures are scrapped and rebuilt. Components
    are ordered by net requirements (material requirements planning, Orlicky): the
    starts that remaining contracts need, with a planned scrap allowance (remaining good
    units divided by the acceptance yield), less what is on hand and on order.
    """

    def __init__(
        self,
        line_id: str,
        spec: Line,
        bill_of_materials: Mapping[str, int],
        suppliers: Mapping[str, SupplierState],
        calendar: Calendar,
        recorder: Recorder,
        rng: np.random.Generator,
    ) -> None:
        self.id = line_id
        self.spec = spec
        self._bill = dict(bill_of_materials)
        self._suppliers = {component: suppliers[component] for component in self._bill}
        for component, supplier in self._suppliers.items():
            supplier.add_requirement(self._requirement_for(component))
        self._calendar = calendar
        self._recorder = recorder
        self._rng = rng
        self._capacity: list[float] = monthly_rates(spec.capacity, calendar, spec.ramp).tolist()
        self._added = [0.0] * calendar.months
        self._credit = 0.0
        self._started_total = 0
        self.contracts: list[ContractState] = []
        self.awaiting_funds = 0
        """Orders waiting for money to be awarded."""
        self.unfunded_units = 0
        """Units a policy wanted at its last review and could not pay for."""
        self._deliveries: dict[int, list[tuple[ContractState, int]]] = {}
        system = spec.system
        series = recorder.new_series
        self._production = series("line", line_id, "production", system)
        self._starts = series("line", line_id, "starts", system)
        self._scrapped = series("line", line_id, "scrapped", system)
        self._capacity_used = series("line", line_id, "capacity", system)
        self._backlog = series("line", line_id, "backlog", system)
        self._cost = series("line", line_id, "production_cost_usd", system)
        self._below_msr = series("line", line_id, "below_minimum_sustaining_rate", system)
        self._constraints = recorder.new_constraint_log(line_id)

    def add_contract(self, contract: ContractState) -> None:
        """Take on a funded contract and order the components it needs."""
        self.contracts.append(contract)
        self._order_components()

    def waiting(self, change: int) -> None:
        """Count orders held up for lack of money (+1 when one starts waiting, -1 after)."""
        self.awaiting_funds += change

    def build(self, month: int) -> None:
        """Assemble this month's units and schedule their delivery."""
        self._credit += self._capacity[month] + self._added[month]
        capacity = math.floor(self._credit + 1e-9)
        self._credit -= capacity
        month_end = self._calendar.boundary_days[month + 1]
        lag = self.spec.delivery_lag_months
        self.contracts = [c for c in self.contracts if c.quantity > c.built]
        open_contracts: list[ContractState] = []
        eligible: list[ContractState] = []
        needs: list[int] = []
        for contract in self.contracts:
            if contract.award_day < month_end:
                open_contracts.append(contract)
                if month + lag >= contract.first_delivery_month:
                    eligible.append(contract)
                    needs.append(_cap(contract.remaining, contract.max_per_month))
        kits = {
            component: supplier.inventory // self._bill[component]
            for component, supplier in self._suppliers.items()
        }
        starts = min(capacity, sum(needs), *kits.values())
        self._constraints.append(self._binding(starts, capacity, kits, needs, open_contracts))
        for component, supplier in self._suppliers.items():
            supplier.inventory -= starts * self._bill[component]
        good_total = 0
        for contract, started in zip(
            eligible, self._allocate(starts, eligible, needs), strict=True
        ):
            good = self._accepted(started)
            contract.built += good
            good_total += good
            if good:
                self._deliveries.setdefault(month + lag, []).append((contract, good))
        if starts > good_total:
            self._order_components()
        curve = self.spec.learning_curve
        if curve is not None:
            self._cost[month] = batch_cost(curve, self._started_total, starts)
        self._started_total += starts
        self._production[month] = good_total
        self._starts[month] = starts
        self._scrapped[month] = starts - good_total
        self._capacity_used[month] = self._capacity[month] + self._added[month]
        self._below_msr[month] = float(good_total < self.spec.minimum_sustaining_rate)

    def deliveries_due(self, month: int) -> list[tuple[ContractState, int]]:
        """Units that reach their buyers in ``month``, by contract."""
        return self._deliveries.pop(month, [])

    def close_month(self, month: int) -> None:
        """Record the end-of-month backlog (units on funded contracts not yet built)."""
        self._backlog[month] = sum(contract.remaining for contract in self.contracts)

    def expand(
        self,
        env: simpy.Environment,
        expansion_id: str,
        expansion: Expansion,
        treasury: Treasury,
    ) -> Generator[simpy.Event, None, None]:
        """Process: fund an expansion on its date (waiting for money), then add capacity."""
        calendar = self._calendar
        yield env.timeout(calendar.day(expansion.funded) + NOON - env.now)
        account = expansion.account
        if account is not None and expansion.cost > 0:
            while treasury.available(account) + money_tolerance(expansion.cost) < expansion.cost:
                yield treasury.funds_arrived(account)
            month = calendar.month_of_day(env.now)
            treasury.obligate(account, expansion.cost, month, f"{self.id}.{expansion_id}")
        funded_on = calendar.date(env.now)
        self._recorder.events.append(
            EventRow(
                funded_on,
                "expansion",
                expansion_id,
                self.spec.system,
                "",
                expansion.added_rate,
                expansion.cost,
            )
        )
        # Calendar months, as for contract lags: funded 1 March + 2 months is 1 May.
        effective = calendar.day(add_months(funded_on, expansion.lead_time_months))
        if effective >= calendar.boundary_days[-1]:
            return
        yield env.timeout(max(effective - env.now, 0.0))
        month = calendar.month_of_day(effective)
        share = (calendar.boundary_days[month + 1] - effective) / calendar.days_in(month)
        self._added[month] += expansion.added_rate * share
        for later in range(month + 1, calendar.months):
            self._added[later] += expansion.added_rate

    def _binding(
        self,
        starts: int,
        capacity: int,
        kits: Mapping[str, int],
        needs: list[int],
        open_contracts: list[ContractState],
    ) -> str:
        if sum(needs) == 0:
            if open_contracts:
                return Constraint.NONE
            return self._no_orders()
        if starts == sum(needs):
            # Everything the contracts allowed was built: orders, not the line, bound output.
            capped = starts < sum(contract.remaining for contract in open_contracts)
            return Constraint.NONE if capped else self._no_orders()
        for component, kit in kits.items():
            if kit == starts:
                return component
        return Constraint.CAPACITY

    def _no_orders(self) -> str:
        short_of_money = self.awaiting_funds or self.unfunded_units
        return Constraint.FUNDING if short_of_money else Constraint.BACKLOG

    def _allocate(self, starts: int, eligible: list[ContractState], needs: list[int]) -> list[int]:
        rule = self.spec.allocation
        if rule is AllocationRule.PROPORTIONAL:
            return weighted_fill(starts, needs, needs)
        order = sorted(range(len(eligible)), key=lambda i: _priority_key(eligible[i]))
        ranked_needs = [needs[i] for i in order]
        if rule is AllocationRule.SHARES:
            buyers = [eligible[i].order.buyer for i in order]
            ranked = self._share_by_buyer(starts, buyers, ranked_needs)
        else:
            ranked = priority_fill(starts, ranked_needs)
        given = [0] * len(eligible)
        for position, i in enumerate(order):
            given[i] = ranked[position]
        return given

    def _share_by_buyer(self, starts: int, buyers: list[str], needs: list[int]) -> list[int]:
        """Split ``starts`` between buyers by their shares, then within each by priority.

        A buyer's share is for the buyer, however many contracts it has open. What a buyer
        cannot use goes to the others by weight, then to buyers without a share.
        """
        names = list(dict.fromkeys(buyers))
        wanted = [sum(n for b, n in zip(buyers, needs, strict=True) if b == name) for name in names]
        weights = [self.spec.shares.get(name, 0.0) for name in names]
        totals = weighted_fill(starts, wanted, weights)
        left = [need - got for need, got in zip(wanted, totals, strict=True)]
        extra = priority_fill(starts - sum(totals), left)
        given: list[int] = []
        budget = {name: got + more for name, got, more in zip(names, totals, extra, strict=True)}
        for buyer, need in zip(buyers, needs, strict=True):
            take = min(need, budget[buyer])
            budget[buyer] -= take
            given.append(take)
        return given

    def _accepted(self, started: int) -> int:
        if started and self.spec.acceptance_yield < 1.0:
            return int(self._rng.binomial(started, self.spec.acceptance_yield))
        return started

    def _order_components(self) -> None:
        for supplier in self._suppliers.values():
            supplier.replan()

    def _requirement_for(self, component: str) -> Callable[[], int]:
        per_unit = self._bill[component]
        acceptance = self.spec.acceptance_yield

        def requirement() -> int:
            # Planned scrap allowance: starts needed for the remaining good units.
            remaining = sum(contract.remaining for contract in self.contracts)
            return per_unit * math.ceil(remaining / acceptance - 1e-9)

        return requirement


def _cap(remaining: int, cap: int | None) -> int:
    return remaining if cap is None else min(remaining, cap)


def _priority_key(contract: ContractState) -> tuple[int, float, str]:
    return (contract.order.priority, contract.award_day, contract.order.id)
