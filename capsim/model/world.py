"""A simulated world: every component of a scenario, wired together on one SimPy clock.

Phases follow desmod's build → wire → run → collect. At each month boundary (midnight)
the clock closes the month that ended — suppliers make and ship, lines build, deliveries
arrive, demands are served, state is recorded — then opens the next: appropriations at a
fiscal-year start, then policy reviews. Dated events (awards, expansions) run as their own
processes at noon of their day, and supplier outages at random times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from capsim.calendar import calendar_for
from capsim.model.budget import Treasury
from capsim.model.contract import ContractState, Order, award, scheduled_award
from capsim.model.demand import DemandState, serve
from capsim.model.line import LineState
from capsim.model.policy import ReorderPolicyState
from capsim.model.records import Recorder
from capsim.model.stockpile import StockpileState
from capsim.model.streams import stream
from capsim.model.supplier import SupplierState
from capsim.scenario.demand import Transfer
from capsim.scenario.schema import Scenario


class World:
    """All state of one run of one scenario."""

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0) -> None:
        header = scenario.scenario
        self.scenario = scenario
        self.env = simpy.Environment()
        self.calendar = calendar_for(header.start, header.months, header.fiscal_year_start_month)
        self.recorder = Recorder(header.months)
        self._on_order: dict[tuple[str, str], list[ContractState]] = {}

        calendar, recorder = self.calendar, self.recorder
        self.treasury = Treasury(self.env, scenario.budgets, calendar, recorder)
        self.suppliers = {
            supplier.component: SupplierState(
                supplier_id,
                supplier,
                calendar,
                recorder,
                stream(seed, f"suppliers.{supplier_id}", replication),
            )
            for supplier_id, supplier in scenario.suppliers.items()
        }
        self.lines = {
            line_id: LineState(
                line_id,
                line,
                scenario.systems[line.system].bill_of_materials,
                self.suppliers,
                calendar,
                recorder,
                stream(seed, f"lines.{line_id}", replication),
            )
            for line_id, line in scenario.lines.items()
        }
        self.stockpiles = {
            (stockpile.holder, stockpile.system): StockpileState(stockpile_id, stockpile, recorder)
            for stockpile_id, stockpile in scenario.stockpiles.items()
        }
        self.demands = [
            self._demand(index, demand_id, seed, replication)
            for index, demand_id in enumerate(scenario.demands)
        ]
        self.policies = [
            ReorderPolicyState(
                policy_id,
                policy,
                policy.line or self._line_for(policy.system),
                self.stockpiles[(policy.holder, policy.system)],
                self.treasury,
                calendar,
                self.on_order,
                self.place,
                self._shortfall_reporter(policy.line or self._line_for(policy.system)),
            )
            for policy_id, policy in scenario.policies.items()
        ]

    def run(self) -> Recorder:
        """Run the whole horizon and return the records."""
        env = self.env
        env.process(self._clock())
        start_month = self.scenario.scenario.fiscal_year_start_month
        for contract_id, contract in self.scenario.contracts.items():
            for lot in contract.funded_lots(start_month):
                order = Order(
                    id=contract_id if lot.key is None else f"{contract_id}.{lot.key}",
                    buyer=contract.buyer,
                    system=contract.system,
                    line=contract.line or self._line_for(contract.system),
                    quantity=lot.quantity,
                    unit_price=contract.price_per_unit,
                    account=contract.account,
                    first_delivery_lag_months=contract.first_delivery_lag_months,
                    max_deliveries_per_month=contract.max_deliveries_per_month,
                    priority=contract.priority,
                    when_unfunded=contract.when_unfunded,
                )
                day = self.calendar.day(lot.funded)
                env.process(scheduled_award(env, day, self._award(order)))
        for line in self.lines.values():
            for expansion_id, expansion in line.spec.expansions.items():
                env.process(line.expand(env, expansion_id, expansion, self.treasury))
        for supplier in self.suppliers.values():
            env.process(supplier.disruptions(env))
        env.run(until=float(self.calendar.boundaries[-1]) + 0.25)
        self.recorder.freeze()
        return self.recorder

    def place(self, order: Order) -> None:
        """Start the award process of an order, now."""
        self.env.process(self._award(order))

    def on_order(self, holder: str, system: str) -> int:
        """Units a holder has on funded contracts for a system and has not yet received."""
        contracts = self._on_order.get((holder, system), [])
        contracts[:] = [contract for contract in contracts if contract.undelivered]
        return sum(contract.undelivered for contract in contracts)

    def _award(self, order: Order) -> Generator[simpy.Event, None, ContractState | None]:
        line = self.lines[order.line]

        def on_award(contract: ContractState) -> None:
            self._on_order.setdefault((order.buyer, order.system), []).append(contract)
            line.add_contract(contract)

        return award(
            self.env, order, self.treasury, self.calendar, self.recorder, on_award, line.waiting
        )

    def _clock(self) -> Generator[simpy.Event, None, None]:
        boundaries = self.calendar.boundary_days
        self._open_month(0)
        for month in range(self.calendar.months):
            yield self.env.timeout(float(boundaries[month + 1]) - self.env.now)
            self._close_month(month)
            if month + 1 < self.calendar.months:
                self._open_month(month + 1)

    def _open_month(self, month: int) -> None:
        self.treasury.open_month(month)
        for policy in self.policies:
            policy.review(month)

    def _close_month(self, month: int) -> None:
        for supplier in self.suppliers.values():
            supplier.produce(month)
        for line in self.lines.values():
            line.build(month)
        for line in self.lines.values():
            for contract, quantity in line.deliveries_due(month):
                order = contract.order
                contract.delivered += quantity
                self.stockpiles[(order.buyer, order.system)].receive_delivery(month, quantity)
                self.treasury.pay(contract.obligation, quantity * order.unit_price, month)
        serve(month, self.demands)
        for supplier in self.suppliers.values():
            supplier.close_month(month)
        for line in self.lines.values():
            line.close_month(month)
        for stockpile in self.stockpiles.values():
            stockpile.close_month(month)
        self.treasury.close_month(month)

    def _demand(self, index: int, demand_id: str, seed: int, replication: int) -> DemandState:
        spec = self.scenario.demands[demand_id]
        if isinstance(spec, Transfer):
            source = self.stockpiles[(spec.from_, spec.system)]
            destination = self.stockpiles[(spec.to, spec.system)]
        else:
            source, destination = self.stockpiles[(spec.holder, spec.system)], None
        return DemandState(
            demand_id,
            index,
            spec,
            source,
            destination,
            self.scenario.scenario.unmet_demand,
            self.calendar,
            self.recorder,
            stream(seed, f"demands.{demand_id}", replication),
        )

    def _shortfall_reporter(self, line_id: str) -> Callable[[int], None]:
        line = self.lines[line_id]

        def report(units: int) -> None:
            line.unfunded_units = units

        return report

    def _line_for(self, system: str) -> str:
        return next(
            line_id for line_id, line in self.scenario.lines.items() if line.system == system
        )
