"""The order book: awarding orders when money allows, and what each buyer has on order."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING

import simpy

from capsim.model.budget import Treasury
from capsim.model.context import Context
from capsim.model.contract import Contract, Delivery, OnOrder, Order
from capsim.model.records import EventRow
from capsim.model.timebase import Phase, at
from capsim.scenario.funding import WhenUnfunded

if TYPE_CHECKING:
    from capsim.model.line import LineState
    from capsim.model.stockpile import StockpileState


class OrderBook:
    """Every order of a run: placed, waiting for money, awarded, and on order.

    An order is awarded the moment its account can pay. ``WAIT`` awards the full
    quantity at the first appropriation that covers it; ``CUT`` awards what the account
    can pay for at once, or waits if that is nothing. An awarded contract goes to its
    line, which orders its components, and the line is woken at the moment the contract
    becomes eligible for assembly.
    """

    def __init__(
        self,
        context: Context,
        treasury: Treasury,
        lines: Mapping[str, LineState],
        stockpiles: Mapping[tuple[str, str], StockpileState],
    ) -> None:
        self._context = context
        self._treasury = treasury
        self._lines = lines
        self._stockpiles = stockpiles
        self._on_order: dict[tuple[str, str], OnOrder] = {}
        """Units on order by (holder, system), kept as contracts are awarded and deliver."""
        self._waiting: dict[str, int] = dict.fromkeys(lines, 0)
        self._unfunded: dict[str, int] = dict.fromkeys(lines, 0)

    def place(self, order: Order, day: float | None = None) -> None:
        """Place ``order`` now, or at the money phase of ``day``."""
        self._context.env.process(self._award(order, day))

    def on_order(self, holder: str, system: str) -> int:
        """Units a holder has on awarded contracts for a system and has not yet received."""
        on_order = self._on_order.get((holder, system))
        return 0 if on_order is None else on_order.units

    def short_of_money(self, line: str) -> bool:
        """Whether an order for ``line`` waits for money, or a policy could not pay."""
        return bool(self._waiting[line] or self._unfunded[line])

    def report_unfunded(self, line: str, units: int) -> None:
        """Units a policy wanted for ``line`` at its last review and could not pay for."""
        self._unfunded[line] = units

    def _award(self, order: Order, day: float | None) -> Generator[simpy.Event, None, None]:
        context, treasury = self._context, self._treasury
        env = context.env
        if day is not None:
            yield env.timeout(max(at(day, Phase.MONEY) - env.now, 0.0))
        waited = False
        while True:
            affordable = treasury.affordable(order.account, order.unit_price)
            quantity = order.quantity
            if order.when_unfunded is WhenUnfunded.CUT:
                quantity = min(quantity, affordable)
            if 1 <= quantity <= affordable:
                break
            if not waited:
                context.sync()
                self._waiting[order.line] += 1
                waited = True
            yield treasury.funds_arrived(order.account)
        context.sync()
        if waited:
            self._waiting[order.line] -= 1
        self._award_now(order, quantity)

    def _award_now(self, order: Order, quantity: int) -> Contract:
        context = self._context
        obligation = self._treasury.obligate(
            order.account, quantity * order.unit_price, context.month, order.id
        )
        line = self._lines[order.line]
        key = (order.buyer, order.system)
        on_order = self._on_order.get(key)
        if on_order is None:
            on_order = self._on_order[key] = OnOrder()
        on_order.units += quantity
        delivery = Delivery(
            self._stockpiles[key],
            self._treasury,
            context.timebase,
            line.spec.delivery_lag_months,
            context.recorder.events,
            on_order,
        )
        contract = Contract(order, quantity, context.now_month_time, obligation, delivery)
        line.add_contract(contract)
        context.recorder.events.append(
            EventRow(
                context.calendar.date(context.env.now),
                "award",
                order.id,
                order.system,
                order.buyer,
                quantity,
                obligation.total,
                context.env.now,
            )
        )
        eligible_day = context.timebase.day(contract.eligible_from)
        if eligible_day > context.env.now:
            self._wake(at(eligible_day, Phase.DELIVERY))
        return contract

    def _wake(self, time: float) -> None:
        """Sync the model at ``time``, so that a line starts work exactly then.

        A timeout that syncs when it fires, not a process of its own (a process's start,
        its own events and its end cost several times as much): wakes are the only events
        at their phase of a day, and syncing again at one time does nothing, so which
        comes first among them, and when the timeout is made, changes nothing.
        """
        env = self._context.env
        env.timeout(max(time - env.now, 0.0)).callbacks.append(self._sync)

    def _sync(self, _woken: simpy.Event) -> None:
        """Sync the model (a wake's timeout fired)."""
        self._context.sync()


__all__ = ["OrderBook"]
