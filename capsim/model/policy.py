"""Replenishment policies: turn a low inventory position into funded contracts."""

from __future__ import annotations

import math
from collections.abc import Callable

from capsim.calendar import Calendar
from capsim.model.budget import Treasury, money_tolerance
from capsim.model.contract import Order
from capsim.model.stockpile import StockpileState
from capsim.scenario.demand import ReorderPolicy
from capsim.scenario.funding import WhenUnfunded


class ReorderPolicyState:
    """A periodic-review (R, s, S) policy on one stockpile, gated by its budget.

    At each review (the first day of every ``review_period_months``-th month) the
    inventory position is stock plus units on order minus backorders. Below the reorder
    point ``s``, it orders up to ``S``, cut to what the account can pay for now; orders
    under ``minimum_order`` are not placed. What it wanted and could not buy is reported
    through ``shortfall`` so that the line can say money bound its output.
    """

    def __init__(
        self,
        policy_id: str,
        spec: ReorderPolicy,
        line_id: str,
        stockpile: StockpileState,
        treasury: Treasury,
        calendar: Calendar,
        on_order: Callable[[str, str], int],
        place: Callable[[Order], None],
        shortfall: Callable[[int], None],
    ) -> None:
        self.id = policy_id
        self._spec = spec
        self._line_id = line_id
        self._stockpile = stockpile
        self._treasury = treasury
        self._on_order = on_order
        self._place = place
        self._shortfall = shortfall
        self._first_review = 0 if spec.start is None else calendar.month_of(spec.start)
        self._orders = 0

    def position(self) -> int:
        """Inventory position: stock + on order − backorders, in units."""
        stockpile = self._stockpile
        on_order = self._on_order(stockpile.holder, stockpile.system)
        return stockpile.stock + on_order - stockpile.backorders

    def review(self, month: int) -> None:
        """Review the stockpile at the start of ``month`` and order if it is low."""
        spec = self._spec
        since = month - self._first_review
        if since < 0 or since % spec.review_period_months:
            return
        position = self.position()
        if position >= spec.reorder_point:
            self._shortfall(0)
            return
        available = self._treasury.available(spec.account)
        affordable = math.floor((available + money_tolerance(available)) / spec.unit_price)
        wanted = spec.order_up_to - position
        quantity = min(wanted, affordable)
        if quantity < spec.minimum_order:
            quantity = 0
        self._shortfall(wanted - quantity)
        if not quantity:
            return
        self._orders += 1
        self._place(
            Order(
                id=f"{self.id}#{self._orders}",
                buyer=spec.holder,
                system=spec.system,
                line=self._line_id,
                quantity=quantity,
                unit_price=spec.unit_price,
                account=spec.account,
                first_delivery_lag_months=spec.first_delivery_lag_months,
                max_deliveries_per_month=spec.max_deliveries_per_month,
                priority=spec.priority,
                when_unfunded=WhenUnfunded.CUT,
            )
        )
