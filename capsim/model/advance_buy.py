"""Advance procurement: long-lead components bought for a lot ahead of its funding."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import simpy

from capsim.model.budget import Treasury
from capsim.model.context import Context
from capsim.model.line import LineState
from capsim.model.records import EventRow
from capsim.model.timebase import Phase, at
from capsim.scenario.network import AdvanceProcurement


@dataclass(frozen=True)
class AdvanceBuy:
    """The advance procurement of one lot: for which line, how many units, paid by whom."""

    reference: str
    """The lot's order id, for the ledger and the event log."""
    line: LineState
    quantity: int
    lot_funded_day: float
    account: str
    terms: AdvanceProcurement


def buy_ahead(
    context: Context, treasury: Treasury, buy: AdvanceBuy
) -> Generator[simpy.Event, None, None]:
    """Process: ``months_before`` the lot is funded (or at the start, if that is
    earlier), obligate the advance procurement's cost, waiting for money, and have the
    line order the listed components for the lot's units."""
    env, timebase, terms = context.env, context.timebase, buy.terms
    lot_time = timebase.month_time(buy.lot_funded_day)
    day = max(timebase.day(lot_time - terms.months_before), 0.0)
    yield env.timeout(max(at(day, Phase.MONEY) - env.now, 0.0))
    if terms.cost > 0:
        while not treasury.can_pay(buy.account, terms.cost):
            yield treasury.funds_arrived(buy.account)
    context.sync()
    if terms.cost > 0:
        reference = f"{buy.reference}.advance_procurement"
        treasury.obligate(buy.account, terms.cost, context.month, reference)
    line = buy.line
    context.recorder.events.append(
        EventRow(context.calendar.date(env.now), "advance_procurement", buy.reference,
                 line.spec.system, "", buy.quantity, terms.cost, env.now)
    )  # fmt: skip
    line.buy_ahead(terms.components, buy.quantity)


__all__ = ["AdvanceBuy", "buy_ahead"]
