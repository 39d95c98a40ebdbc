"""Contracts: the terms of an order, and a funded contract that delivers itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from capsim.model.budget import Obligation, Treasury
from capsim.model.records import EventRow
from capsim.model.timebase import TimeBase
from capsim.scenario.funding import WhenUnfunded

if TYPE_CHECKING:
    from capsim.model.finish_times import FinishTimes
    from capsim.model.stockpile import StockpileState


@dataclass(frozen=True)
class Order:
    """What a buyer asks a line for: the terms of a contract before it is funded."""

    id: str
    buyer: str
    system: str
    line: str
    quantity: int
    unit_price: float
    account: str
    first_delivery_lag_months: float
    max_deliveries_per_month: int | None
    priority: int
    when_unfunded: WhenUnfunded

    @classmethod
    def on_terms(
        cls,
        terms: OrderTerms,
        *,
        id: str,
        buyer: str,
        unit_price: float,
        line: str,
        quantity: int,
        when_unfunded: WhenUnfunded,
    ) -> Order:
        """An order on a contract's or a policy's terms (system, account, lag, cap, priority)."""
        return cls(
            id=id,
            buyer=buyer,
            system=terms.system,
            line=line,
            quantity=quantity,
            unit_price=unit_price,
            account=terms.account,
            first_delivery_lag_months=terms.first_delivery_lag_months,
            max_deliveries_per_month=terms.max_deliveries_per_month,
            priority=terms.priority,
            when_unfunded=when_unfunded,
        )


class OrderTerms(Protocol):
    """The terms an order takes from a contract or a reorder policy."""

    @property
    def system(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def first_delivery_lag_months(self) -> float: ...
    @property
    def max_deliveries_per_month(self) -> int | None: ...
    @property
    def priority(self) -> int: ...


@dataclass
class OnOrder:
    """Units a holder has on awarded contracts for a system and has not yet received."""

    units: int = 0


@dataclass(frozen=True)
class Delivery:
    """Where a contract's units go and who pays for them."""

    stockpile: StockpileState
    treasury: Treasury
    timebase: TimeBase
    line_lag_months: int
    events: list[EventRow]
    """The run's event log, which records each contract's first delivery."""
    on_order: OnOrder
    """The buyer's units on order for the system: what lands is no longer on order."""


@dataclass(eq=False)
class Contract:
    """A funded contract during a run: what is built, in transit and delivered.

    The first unit may land no earlier than ``first_delivery_lag_months`` after the
    award, in month-time (a calendar month is a month); the line may start a unit for it
    from that moment less the line's own delivery lag. Units land in the buyer's
    stockpile ``line_lag_months`` after they are built, and each is paid for when it
    lands (outlays follow deliveries).
    """

    order: Order
    quantity: int
    """Units awarded (all of the order, or what the money allowed)."""
    awarded: float
    """Month-time of the award."""
    obligation: Obligation
    _delivery: Delivery
    first_delivery: float = field(init=False)
    """Month-time before which no unit lands."""
    eligible_from: float = field(init=False)
    """Month-time from which the line may build for this contract."""
    remaining: int = field(init=False)
    """Units still to be built (a field, not a property: lines read it very often)."""
    built_this_month: int = field(init=False, default=0)
    delivered: int = field(init=False, default=0)
    monthly_cap: int | None = field(init=False)
    """Units it may take in a month (``None``: no cap), from its order."""
    priority_key: tuple[int, float, str] = field(init=False)
    """Its rank among a line's contracts, first first: priority (lower number first),
    then award time, then order id."""

    def __post_init__(self) -> None:
        self.first_delivery = self.awarded + self.order.first_delivery_lag_months
        self.eligible_from = max(self.awarded, self.first_delivery - self._delivery.line_lag_months)
        self.remaining = self.quantity
        self.monthly_cap = self.order.max_deliveries_per_month
        self.priority_key = (self.order.priority, self.awarded, self.order.id)

    @property
    def built(self) -> int:
        """Units built."""
        return self.quantity - self.remaining

    @property
    def undelivered(self) -> int:
        """Units ordered and not yet delivered (on order, for the buyer)."""
        return self.quantity - self.delivered

    def need(self) -> int:
        """Units the line may build for it now: what remains, within the monthly cap."""
        cap = self.monthly_cap
        if cap is None:
            return self.remaining
        # ``max(min(remaining, room), 0)`` written out: no builtin calls on a hot path.
        remaining, room = self.remaining, cap - self.built_this_month
        need = room if room < remaining else remaining
        return 0 if need < 0 else need

    def ship(self, finish_times: FinishTimes) -> None:
        """Units built at ``finish_times`` (month-time) leave for the buyer's stockpile."""
        count = finish_times.count
        if not count:
            return
        self.remaining -= count
        self.built_this_month += count
        delivery = self._delivery
        delivery.stockpile.expect(finish_times, self, delivery.line_lag_months)

    def landed(self, quantity: int, month: int, day: float) -> None:
        """``quantity`` units reached the buyer in ``month``, the first at ``day``."""
        delivery = self._delivery
        if not self.delivered:
            order = self.order
            date = delivery.timebase.calendar.date(day)
            delivery.events.append(
                EventRow(date, "first_delivery", order.id, order.system, order.buyer, quantity,
                         0.0, day)
            )  # fmt: skip
        self.delivered += quantity
        delivery.on_order.units -= quantity
        delivery.treasury.pay(self.obligation, quantity * self.order.unit_price, month)


def needs(contracts: Sequence[Contract]) -> list[int]:
    """:meth:`Contract.need` of each of ``contracts``, in one call.

    A line asks for them at every stretch it divides among several contracts; a
    contract without a monthly cap needs what remains, read here without a call of its
    own. A loop, not a comprehension: the comprehension's own call costs more than the
    loop over a line's few contracts saves.
    """
    given = []
    for contract in contracts:
        given.append(contract.remaining if contract.monthly_cap is None else contract.need())
    return given


def needed(contracts: Sequence[Contract]) -> int:
    """The sum of :func:`needs` (the units a line may start for them now), without its
    list: a line asks at every stretch."""
    total = 0
    for contract in contracts:
        total += contract.remaining if contract.monthly_cap is None else contract.need()
    return total


__all__ = ["Contract", "Delivery", "OnOrder", "Order", "needed", "needs"]
