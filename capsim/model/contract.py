"""Contracts: awarded when funded, built by a line, delivered to the buyer's stockpile."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

import simpy

from capsim.calendar import Calendar, add_months
from capsim.model.budget import Obligation, Treasury, money_tolerance
from capsim.model.records import EventRow, Recorder
from capsim.scenario.funding import WhenUnfunded

NOON = 0.5
"""Dated events happen at noon of their day; month boundaries and appropriations at midnight."""


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


@dataclass
class ContractState:
    """A funded contract during a run: what is built, in transit and delivered."""

    order: Order
    quantity: int
    award_day: float
    first_delivery_month: int
    obligation: Obligation
    built: int = 0
    delivered: int = 0

    @property
    def max_per_month(self) -> int | None:
        """Cap on units delivered (and so built) in one month; none means no cap."""
        return self.order.max_deliveries_per_month

    @property
    def remaining(self) -> int:
        """Units still to be built."""
        return self.quantity - self.built

    @property
    def undelivered(self) -> int:
        """Units ordered and not yet delivered (on order, for the buyer)."""
        return self.quantity - self.delivered


def award(
    env: simpy.Environment,
    order: Order,
    treasury: Treasury,
    calendar: Calendar,
    recorder: Recorder,
    on_award: Callable[[ContractState], None],
    waiting: Callable[[int], None],
) -> Generator[simpy.Event, None, ContractState | None]:
    """Process: award ``order`` once its account can pay, obligating its value.

    ``WAIT`` awards the full quantity at the first appropriation that covers it;
    ``CUT`` awards what the account can pay for at once, or waits if that is nothing.
    ``waiting(+1/-1)`` tells the line that an order is held up for lack of money.
    """
    waited = False
    while True:
        available = treasury.available(order.account)
        affordable = math.floor((available + money_tolerance(available)) / order.unit_price)
        quantity = order.quantity
        if order.when_unfunded is WhenUnfunded.CUT:
            quantity = min(quantity, affordable)
        if quantity >= 1 and quantity <= affordable:
            break
        if not waited:
            waiting(+1)
            waited = True
        yield treasury.funds_arrived(order.account)
    if waited:
        waiting(-1)
    month = calendar.month_of_day(env.now)
    obligation = treasury.obligate(order.account, quantity * order.unit_price, month, order.id)
    date = calendar.date(env.now)
    first_delivery = add_months(date, order.first_delivery_lag_months)
    contract = ContractState(
        order=order,
        quantity=quantity,
        award_day=env.now,
        first_delivery_month=calendar.month_of(first_delivery),
        obligation=obligation,
    )
    recorder.events.append(
        EventRow(date, "award", order.id, order.system, order.buyer, quantity, obligation.total)
    )
    on_award(contract)
    return contract


def scheduled_award(
    env: simpy.Environment, award_day: int, awarding: Generator[simpy.Event, None, object]
) -> Generator[simpy.Event, None, None]:
    """Process: wait until noon of ``award_day``, then run the award process."""
    yield env.timeout(award_day + NOON - env.now)
    yield from awarding
