"""A simulated world: every component of a scenario, built, wired and run on one clock.

Phases follow desmod's build → wire → run → collect. Each component owns its state and
its SimPy processes: the treasury appropriates on its dates, the order book awards when
money allows, lines and suppliers work at their rates, stockpiles serve demands as they
arrive, policies review on their schedules. The world builds them, wires them by name,
starts their processes, and closes each month's books for the records. Between events,
production and demand are continuous; :meth:`World.sync` settles them up to the clock
before any event changes the model.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Protocol

import numpy as np
import simpy

from capsim.model.advance_buy import AdvanceBuy, buy_ahead
from capsim.model.budget import Treasury
from capsim.model.context import Context
from capsim.model.contract import Order
from capsim.model.demand import demand_model
from capsim.model.expansion import GrowingCapacity
from capsim.model.inbound import Inbound
from capsim.model.kit import Kit, KitPart
from capsim.model.line import LineState
from capsim.model.orders import OrderBook
from capsim.model.policy import PolicyWiring, ReorderPolicyState
from capsim.model.records import Recorder, series_keys
from capsim.model.stockpile import Claim, StockpileState
from capsim.model.streams import StreamMaker, lazy_stream
from capsim.model.supplier import SupplierState
from capsim.model.timebase import PHASE_STEP, Phase, at, snap, timebase_for
from capsim.scenario.demand import Transfer, UnmetDemand
from capsim.scenario.schema import Scenario
from capsim.scenario.supply_graph import sources_of, tiers_first


class Closing(Protocol):
    """Anything that records the end of each month."""

    def close_month(self, month: int) -> None: ...


class Producer(Closing, Protocol):
    """A supplier or a line: makes units up to a month-time from kits of its bill, at a
    capacity that funded expansions grow, and closes a month."""

    kit: Kit
    capacity: GrowingCapacity

    def advance(self, until: float) -> None:
        """Make units up to month-time ``until`` (nothing if it is made up to it already)."""


class World:
    """All state of one run of one scenario."""

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0) -> None:
        header = scenario.scenario
        self.scenario = scenario
        self.env = simpy.Environment()
        timebase = timebase_for(header.start, header.months, header.fiscal_year_start_month)
        self.calendar = timebase.calendar
        self.recorder = Recorder(header.months)
        context = Context(self.env, self.calendar, timebase, self.recorder)
        self.context = context

        def rng(name: str) -> StreamMaker:
            return lazy_stream(seed, name, replication)

        self.treasury = Treasury(context, scenario.budgets)
        self.suppliers = {
            supplier_id: SupplierState(supplier_id, spec, context, rng(f"suppliers.{supplier_id}"))
            for supplier_id, spec in sorted(scenario.suppliers.items())
        }
        self._sources = sources_of(scenario)
        self._several_sources: list[Inbound] = []
        """Component stocks fed by several sources: split again at each month's end."""
        self._tiers = [self.suppliers[key] for key in tiers_first(scenario)]
        """Suppliers, every sub-tier before the suppliers it feeds."""
        for supplier in self._tiers:
            spec = supplier.spec
            supplier.connect(self._kit(supplier.id, spec.bill_of_materials, spec.buffer_stock))
        self.lines = {
            line_id: LineState(
                line_id,
                spec,
                self._kit(
                    line_id, scenario.systems[spec.system].bill_of_materials, spec.buffer_stock
                ),
                context,
                rng(f"lines.{line_id}"),
            )
            for line_id, spec in sorted(scenario.lines.items())
        }
        self.stockpiles = {
            (spec.holder, spec.system): StockpileState(stockpile_id, spec, context)
            for stockpile_id, spec in sorted(scenario.stockpiles.items())
        }
        self.orders = OrderBook(context, self.treasury, self.lines, self.stockpiles)
        for line in self.lines.values():
            line.orders = self.orders
        self._attach_demands(seed, replication)
        self.policies = [
            ReorderPolicyState(
                policy_id,
                spec,
                context,
                PolicyWiring(
                    self.stockpiles[(spec.holder, spec.system)],
                    self.treasury,
                    self.orders,
                    spec.line or self._line_for(spec.system),
                ),
            )
            for policy_id, spec in sorted(scenario.policies.items())
        ]
        self._stockpile_order = self._sources_first()
        self._producers: list[Producer] = [*self._tiers, *self.lines.values()]
        """Suppliers, sub-tiers first, then lines: the order in which they settle."""
        self._synced = -np.inf
        self._produced = -np.inf
        """Day (its phases dropped) every producer has been advanced to, at the last sync."""
        self._month_time = timebase.month_time
        context.sync = self.sync

    def run(self) -> Recorder:
        """Run the whole horizon and return the records."""
        env = self.env
        env.process(self.treasury.run())
        env.process(self._close_months())
        self._place_contracts()
        for producer in self._producers:
            for process in producer.capacity.funding(self.context, self.treasury):
                env.process(process)
            producer.kit.replan(0)  # buffer stocks, bought at the start
        for policy in self.policies:
            env.process(policy.run())
        env.run(until=at(self.calendar.boundary_days[-1], Phase.CLOSE) + PHASE_STEP / 2)
        self.recorder.freeze()
        return self.recorder

    def _place_contracts(self) -> None:
        """Place every lot of every contract on its funding date, and its advance buys."""
        env = self.env
        start_month = self.scenario.scenario.fiscal_year_start_month
        for contract_id, contract in sorted(self.scenario.contracts.items()):
            for lot in contract.funded_lots(start_month):
                order = Order.on_terms(
                    contract, id=contract_id if lot.key is None else f"{contract_id}.{lot.key}",
                    buyer=contract.buyer, unit_price=contract.price_per_unit,
                    line=contract.line or self._line_for(contract.system), quantity=lot.quantity,
                    when_unfunded=contract.when_unfunded,
                )  # fmt: skip
                self.orders.place(order, day=self.calendar.day(lot.funded))
                if contract.advance_procurement is not None:
                    buy = AdvanceBuy(
                        order.id,
                        self.lines[order.line],
                        lot.quantity,
                        self.calendar.day(lot.funded),
                        contract.advance_procurement.account or contract.account,
                        contract.advance_procurement,
                    )
                    env.process(buy_ahead(self.context, self.treasury, buy))

    def sync(self) -> None:
        """Settle production, supply and demand up to the clock."""
        now = self.env.now
        if now == self._synced:
            return
        self._synced = now
        day = snap(now)
        if day != self._produced:
            # Phases of one day share its month-time: producers made everything up to it
            # at the day's first sync, and advancing them to it again would do nothing.
            self._produced = day
            month_time = self._month_time(day)
            for producer in self._producers:
                producer.advance(month_time)
        for stockpile in self._stockpile_order:
            stockpile.advance(now)

    def _close_months(self) -> Generator[simpy.Event, None, None]:
        """Process: record each month just before it ends; then the monthly planning
        run: orders waiting at several sources are split again, and lines with a
        planning horizon and suppliers order the material of the coming months."""
        env = self.env
        closing: list[Closing] = [*self._producers, *self._stockpile_order, self.treasury]
        # The same calls every month, looked up once. A supplier without a bill of
        # materials orders nothing in its planning run (it has no sub-tier to order
        # from), nor does a line without a planning horizon (it orders at awards and
        # scraps): their runs are left out, the same as running them.
        closes = [node.close_month for node in closing]
        rebalances = [inbound.rebalance for inbound in self._several_sources]
        plans = [
            *(
                line.plan
                for line in self.lines.values()
                if line.spec.planning_horizon_months is not None
            ),
            *(supplier.plan for supplier in reversed(self._tiers) if supplier.kit.parts),
        ]
        ends = [at(day, Phase.CLOSE) for day in self.calendar.boundary_days[1:]]
        for month, end in enumerate(ends):
            yield env.timeout(end - env.now)
            self.sync()
            for close in closes:
                close(month)
            for rebalance in rebalances:
                rebalance()
            for plan in plans:
                plan()

    def _attach_demands(self, seed: int, replication: int) -> None:
        default = self.scenario.scenario.unmet_demand
        claims: dict[tuple[str, str], list[Claim]] = {key: [] for key in self.stockpiles}
        for demand_id, spec in sorted(self.scenario.demands.items()):
            draws = lazy_stream(seed, f"demands.{demand_id}", replication)
            model = demand_model(demand_id, spec, self.context, draws)
            destination = model.destination
            keys = series_keys("demand", demand_id, ("demand", "served", "unmet"), spec.system,
                               model.holder)  # fmt: skip
            arrays = self.recorder.new_arrays(keys)
            claims[(model.holder, spec.system)].append(
                Claim(
                    model,
                    spec.priority,
                    (spec.unmet or default) is UnmetDemand.BACKORDER,
                    None if destination is None else self.stockpiles[(destination, spec.system)],
                    *arrays,
                )
            )
        for key, stockpile in self.stockpiles.items():
            stockpile.attach(claims[key])

    def _sources_first(self) -> list[StockpileState]:
        """Stockpiles with each transfer's source before its destination (Kahn's order)."""
        edges: dict[tuple[str, str], set[tuple[str, str]]] = {key: set() for key in self.stockpiles}
        for spec in self.scenario.demands.values():
            if isinstance(spec, Transfer):
                edges[(spec.from_, spec.system)].add((spec.to, spec.system))
        incoming = {key: 0 for key in self.stockpiles}
        for targets in edges.values():
            for target in targets:
                incoming[target] += 1
        ready = sorted(key for key, count in incoming.items() if not count)
        order: list[tuple[str, str]] = []
        while ready:
            key = ready.pop(0)
            order.append(key)
            for target in sorted(edges[key]):
                incoming[target] -= 1
                if not incoming[target]:
                    ready.append(target)
        order += sorted(key for key in self.stockpiles if key not in order)
        return [self.stockpiles[key] for key in order]

    def _kit(self, buyer: str, bill: Mapping[str, int], buffers: Mapping[str, int]) -> Kit:
        """A buyer's kit: a stock of each component of its bill, fed by the component's
        sources (which serve the buyer from then on)."""
        sources = self._sources
        parts = {}
        for component, per_unit in sorted(bill.items()):
            makers = [self.suppliers[key] for key in sources[component]]
            sourcing = self.scenario.sourcing.get(component)
            buffer = buffers.get(component, 0)
            inbound = Inbound(buyer, component, makers, sourcing, buffer, self.recorder)
            for maker in makers:
                maker.add_buyer(inbound)
            if len(makers) > 1:
                self._several_sources.append(inbound)
            parts[component] = KitPart(per_unit, inbound)
        return Kit(parts)

    def _line_for(self, system: str) -> str:
        return min(
            line_id for line_id, line in self.scenario.lines.items() if line.system == system
        )
