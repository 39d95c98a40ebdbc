"""Replenishment policies: when they look at a stockpile, and what they order.

A policy reviews the **inventory position** (stock plus units on order minus backorders)
on a review schedule, and below its reorder point ``s`` orders up to ``S``, cut to what
its account can pay for now; orders under ``minimum_order`` are not placed.

Review schedules are registered by kind:

* ``periodic``: every ``period_months`` calendar months, on a day of the month, at the
  review phase of that day (after that day's money, deliveries and demands): the
  periodic-review (R, s, S) policy (Silver, Pyke and Thomas, *Inventory and Production
  Management in Supply Chains*, 4th ed., 2017, ch. 6);
* ``continuous``: at every demand on the stockpile and every month end (attrition), that
  is at every change of the inventory position: with ``s = S`` it orders whenever the
  position falls below ``S``, the continuous-review base-stock (S − 1, S) policy
  (Zipkin, *Foundations of Inventory Management*, 2000, ch. 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import count

import numpy as np
import simpy

from capsim.calendar import calendar_for
from capsim.model.budget import Treasury
from capsim.model.context import Context
from capsim.model.contract import Order
from capsim.model.orders import OrderBook
from capsim.model.rules import PolicyView, import_rule, order_up_to, s_s_order
from capsim.model.stockpile import StockpileState
from capsim.model.timebase import PHASE_STEP, Phase, at
from capsim.registry import registrar
from capsim.scenario.demand import ReorderPolicy
from capsim.scenario.funding import WhenUnfunded


@dataclass(frozen=True)
class PolicyWiring:
    """What a policy works with: its stockpile, the money, the order book and its line."""

    stockpile: StockpileState
    treasury: Treasury
    orders: OrderBook
    line: str


ReviewSchedule = Callable[[ReorderPolicy, Context, StockpileState], Iterator[float]]
"""The SimPy times at which a policy reviews, ascending."""

REVIEW_SCHEDULES: dict[str, ReviewSchedule] = {}
"""Review schedules by the ``kind`` of a policy's ``review``."""


review_schedule = registrar(REVIEW_SCHEDULES)
"""Register a review schedule under a ``kind``: ``@review_schedule("periodic")``."""


@review_schedule("periodic")
def _periodic(spec: ReorderPolicy, context: Context, stockpile: StockpileState) -> Iterator[float]:
    calendar = context.calendar
    first = 0 if spec.start is None else max(calendar.month_of(spec.start), 0)
    return iter(
        _periodic_times(
            calendar.start, calendar.months, calendar.fiscal_year_start_month,
            first, spec.review_every_months, spec.review_day,
        )
    )  # fmt: skip


@lru_cache(maxsize=64)
def _periodic_times(
    start: dt.date,
    months: int,
    fiscal_year_start_month: int,
    first: int,
    period: int,
    day_of_month: int,
) -> tuple[float, ...]:
    """The times of a periodic review from month ``first``, on the calendar of these
    months: the same in every run of a scenario, so worked out once."""
    boundary_days = calendar_for(start, months, fiscal_year_start_month).boundary_days
    times = []
    for month in range(first, months, period):
        length = boundary_days[month + 1] - boundary_days[month]  # days in the month
        times.append(at(boundary_days[month] + min(day_of_month, length) - 1, Phase.REVIEW))
    return tuple(times)


@review_schedule("continuous")
def _continuous(
    spec: ReorderPolicy, context: Context, stockpile: StockpileState
) -> Iterator[float]:
    calendar = context.calendar
    start = 0.0 if spec.start is None else float(calendar.day(spec.start))
    # Just after each month's books close (and its attrition is drawn).
    month_ends = np.array(calendar.boundary_days[1:], dtype=float) + PHASE_STEP / 2
    times = np.unique(np.concatenate(([start], stockpile.demand_days, month_ends)))
    yield from times[times >= start].tolist()


class ReorderPolicyState:
    """One (R, s, S) or base-stock policy on one stockpile, gated by its budget."""

    def __init__(self, policy_id: str, spec: ReorderPolicy, context: Context, wiring: PolicyWiring):
        self.id = policy_id
        self._spec = spec
        self._context = context
        self._wiring = wiring
        self._numbers = count(1)
        self._rule = order_up_to if spec.rule is None else import_rule(spec.rule)

    def run(self) -> Generator[simpy.Event, None, None]:
        """Process: review at each time of the policy's schedule."""
        env = self._context.env
        schedule = REVIEW_SCHEDULES[self._spec.review_kind]
        review = self.review
        for time in schedule(self._spec, self._context, self._wiring.stockpile):
            now = env.now
            if time >= now:
                yield env.timeout(time - now)
            review()

    def review(self) -> None:
        """Look at the stockpile now and order what the rule asks, within the budget."""
        self._context.sync()
        spec, wiring = self._spec, self._wiring
        stockpile = wiring.stockpile
        on_order = wiring.orders.on_order(stockpile.holder, stockpile.system)
        backorders = stockpile.backorders
        position = stockpile.stock + on_order - backorders
        if self._rule is order_up_to:
            # The (s, S) rule on the numbers alone: the same order without building the
            # view (and its date) that a rule written in Python sees, nor asking what the
            # account can pay unless it orders.
            wanted = int(s_s_order(position, spec.reorder_point, spec.order_up_to))
            affordable = 0
            if wanted > 0:
                affordable = wiring.treasury.affordable(spec.account, spec.unit_price)
        else:
            affordable = wiring.treasury.affordable(spec.account, spec.unit_price)
            view = PolicyView(
                date=self._context.calendar.date(self._context.env.now),
                position=position,
                stock=stockpile.stock,
                on_order=on_order,
                backorders=backorders,
                affordable=affordable,
                reorder_point=spec.reorder_point,
                order_up_to=spec.order_up_to,
            )
            wanted = int(self._rule(view))
        if wanted <= 0:
            wiring.orders.report_unfunded(wiring.line, 0)
            return
        quantity = min(wanted, affordable)
        if quantity < spec.minimum_order:
            quantity = 0
        wiring.orders.report_unfunded(wiring.line, wanted - quantity)
        if not quantity:
            return
        order = Order.on_terms(
            spec, id=f"{self.id}#{next(self._numbers)}", buyer=spec.holder,
            unit_price=spec.unit_price, line=wiring.line, quantity=quantity,
            when_unfunded=WhenUnfunded.CUT,
        )  # fmt: skip
        wiring.orders.place(order)


__all__ = ["REVIEW_SCHEDULES", "PolicyWiring", "ReorderPolicyState", "review_schedule"]
