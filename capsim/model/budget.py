"""Budgets: appropriations per account and fiscal year, obligations and outlays."""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import simpy

from capsim.calendar import fiscal_year_of, fiscal_year_start
from capsim.model.context import Context
from capsim.model.records import EventRow, LedgerRow, MoneyFlow
from capsim.model.timebase import Phase, at
from capsim.scenario.funding import Appropriation, Budget, fiscal_year_number

MONEY_TOLERANCE = 1e-6
"""USD below which a balance counts as zero (floating-point dust)."""
RELATIVE_MONEY_TOLERANCE = 1e-12
"""Fraction of an amount within which two amounts count as equal: quantity × price of a
large contract (1e12 USD) differs from its total value by far more than a micro-dollar,
and far less than a cent in a billion dollars."""


def money_tolerance(amount: float) -> float:
    """USD of floating-point slack when comparing money near ``amount`` USD.

    The larger of :data:`MONEY_TOLERANCE` and :data:`RELATIVE_MONEY_TOLERANCE` × amount.

    >>> money_tolerance(100.0)
    1e-06
    >>> money_tolerance(37e9)
    0.037
    """
    return max(MONEY_TOLERANCE, RELATIVE_MONEY_TOLERANCE * abs(amount))


@dataclass
class Obligation:
    """Money obligated for one purpose, by fiscal year of the money, and what was paid."""

    account: str
    reference: str
    by_fiscal_year: dict[int, float] = field(default_factory=dict)
    paid: float = 0.0

    @cached_property
    def total(self) -> float:
        """USD obligated (worked out when first asked, once :meth:`Treasury.obligate` has
        made the obligation: its money by fiscal year does not change after)."""
        return sum(self.by_fiscal_year.values())


class Treasury:
    """All budget accounts of a scenario.

    Money is appropriated on the first day of its fiscal year, or on its ``enacted``
    date, at that instant. Obligations draw on the oldest money first. Unobligated money
    of a ``lapse`` account expires ``years_available`` fiscal years after its own (the
    US rule for procurement accounts is three), at the first instant of the fiscal year
    in which it expires; a ``carry_over`` account keeps it. Outlays follow deliveries and
    can never exceed what was obligated.
    """

    def __init__(self, context: Context, budgets: Mapping[str, Budget]) -> None:
        self._context = context
        self._env = context.env
        self._budgets = budgets
        self._calendar = context.calendar
        self._ledger = context.recorder.ledger
        self._balances: dict[str, dict[int, float]] = {account: {} for account in budgets}
        start_month = self._calendar.fiscal_year_start_month
        self._arriving: dict[str, dict[int, list[str]]] = {}
        """Keys of the appropriations whose money becomes available on each day, by
        account (in the budget's order): a money day looks at those only."""
        for account, budget in budgets.items():
            by_day = self._arriving[account] = {}
            for key in budget.appropriations:
                by_day.setdefault(self._arrival_day(budget, key, start_month), []).append(key)
        self._arrivals = {account: self._env.event() for account in budgets}
        self._available = {
            account: context.recorder.new_series("account", account, "available_usd")
            for account in budgets
        }
        self._unobligated = {
            account: sum(balances.values()) for account, balances in self._balances.items()
        }
        """Each account's balances summed, worked out again whenever they change: read at
        every month's close and every question of what an account can pay, they change
        only with money events (the same sum of the same balances, in the same order)."""
        self._closing = list(self._available.items())
        """Each account and its series of balances."""

    def run(self) -> Generator[simpy.Event, None, None]:
        """Process: lapse and appropriate money at each date it happens, in date order."""
        env, calendar = self._env, self._calendar
        for day in sorted(self._money_days()):
            yield env.timeout(max(at(day, Phase.MONEY) - env.now, 0.0))
            fiscal_year = fiscal_year_of(calendar.date(day), calendar.fiscal_year_start_month)
            for account, budget in sorted(self._budgets.items()):
                self._lapse(account, budget, fiscal_year)
                self._appropriate(account, budget, day, fiscal_year)

    def _money_days(self) -> set[int]:
        """Days on which money arrives or expires: fiscal-year starts and enacted dates."""
        calendar = self._calendar
        days = {0}
        days.update(
            calendar.boundary_days[month]
            for month in range(calendar.months)
            if calendar.starts_fiscal_year(month)
        )
        for by_day in self._arriving.values():
            days.update(by_day)
        return {day for day in days if day < calendar.boundary_days[-1]}

    def _arrival_day(self, budget: Budget, key: str, start_month: int) -> int:
        """Day the money of ``key`` becomes available (0 if before the start)."""
        appropriation = budget.appropriations[key]
        if isinstance(appropriation, Appropriation):
            date = appropriation.enacted
        else:
            date = fiscal_year_start(fiscal_year_number(key), start_month)
        return max(self._calendar.day(date), 0)

    def _lapse(self, account: str, budget: Budget, fiscal_year: int) -> None:
        balances = self._balances[account]
        expired = [year for year in balances if _expired(budget, year, fiscal_year)]
        for year in expired:
            lapsed = balances.pop(year)
            if lapsed > MONEY_TOLERANCE:
                self._record(account, year, MoneyFlow.LAPSED, lapsed, "")
        if expired:
            self._sum_balances(account)

    def _appropriate(self, account: str, budget: Budget, day: int, fiscal_year: int) -> None:
        arrived = False
        for key in self._arriving[account].get(day, ()):
            appropriation = budget.appropriations[key]
            year = fiscal_year_number(key)
            if _expired(budget, year, fiscal_year):
                continue
            amount = (
                appropriation.amount if isinstance(appropriation, Appropriation) else appropriation
            )
            self._balances[account][year] = self._balances[account].get(year, 0.0) + amount
            self._record(account, year, MoneyFlow.APPROPRIATED, amount, key)
            self._context.recorder.events.append(
                EventRow(self._calendar.date(day), "appropriation", account, "", "", 0.0,
                         amount, self._env.now)
            )  # fmt: skip
            arrived = True
        if arrived:
            self._sum_balances(account)
            arrival, self._arrivals[account] = self._arrivals[account], self._env.event()
            arrival.succeed()

    def close_month(self, month: int) -> None:
        """Record each account's unobligated balance at the end of ``month``."""
        unobligated = self._unobligated
        for account, series in self._closing:
            series[month] = unobligated[account]  # what ``available`` returns

    def available(self, account: str) -> float:
        """Unobligated USD an account can obligate now."""
        return self._unobligated[account]

    def _sum_balances(self, account: str) -> None:
        """The account's balances changed: sum them again."""
        self._unobligated[account] = sum(self._balances[account].values())

    def funds_arrived(self, account: str) -> simpy.Event:
        """An event that fires at the account's next appropriation."""
        return self._arrivals[account]

    def affordable(self, account: str, unit_price: float) -> int:
        """Whole units at ``unit_price`` USD the account can pay for now."""
        available = self.available(account)
        return math.floor((available + money_tolerance(available)) / unit_price)

    def can_pay(self, account: str, amount: float) -> bool:
        """Whether the account holds ``amount`` USD now."""
        available = self.available(account)
        return amount <= available + money_tolerance(max(amount, available))

    def obligate(self, account: str, amount: float, month: int, reference: str) -> Obligation:
        """Obligate ``amount`` USD, oldest money first; refuses more than is available."""
        available = self.available(account)
        if amount > available + money_tolerance(max(amount, available)):
            raise ValueError(f"{reference}: cannot obligate more than {account} has")
        obligation = Obligation(account, reference)
        balances = self._balances[account]
        remaining = amount
        for year in sorted(balances):
            take = min(remaining, balances[year])
            if take <= 0:
                continue
            balances[year] -= take
            remaining -= take
            obligation.by_fiscal_year[year] = take
            self._record(account, year, MoneyFlow.OBLIGATED, take, reference, month)
            if remaining <= money_tolerance(amount):
                break
        self._sum_balances(account)
        return obligation

    def pay(self, obligation: Obligation, amount: float, month: int) -> None:
        """Pay ``amount`` USD against an obligation, charged to its oldest money first."""
        # Comparisons written out, not ``min``/``max`` calls (each a builtin call on the
        # path of every delivery): ``min(a, b)`` is ``b if b < a else a`` and
        # ``max(a, b)`` is ``b if b > a else a``, the same operand whatever the values.
        by_fiscal_year = obligation.by_fiscal_year
        already = obligation.paid
        outstanding = obligation.total - already
        if outstanding < amount:
            amount = outstanding
        obligation.paid = already + amount
        # Most obligations draw on one fiscal year's money: nothing to sort.
        years: Iterable[tuple[int, float]] = by_fiscal_year.items()
        if len(by_fiscal_year) > 1:
            years = sorted(years)
        for year, obligated in years:
            share = obligated - already
            if share < 0.0:
                share = 0.0
            if amount < share:
                share = amount
            already -= obligated
            if already < 0.0:
                already = 0.0
            if share > 0:
                amount -= share
                self._ledger.append(
                    _new_row(
                        LedgerRow,
                        (month, obligation.account, year, _OUTLAID, share, obligation.reference),
                    )
                )

    def _record(
        self,
        account: str,
        year: int,
        flow: MoneyFlow,
        amount: float,
        reference: str,
        month: int | None = None,
    ) -> None:
        """A ledger row, in ``month`` (default: the month the clock is in)."""
        when = self._context.month if month is None else month
        self._ledger.append(LedgerRow(when, account, year, flow, amount, reference))


_OUTLAID = MoneyFlow.OUTLAID
"""The flow of a payment, looked up once (a member of an enum is found by a call)."""

_new_row = tuple.__new__
"""A ledger row made from all its fields, without the named tuple's own ``__new__`` (a
function of Python that costs as much again, at every payment)."""


def _expired(budget: Budget, year: int, fiscal_year: int) -> bool:
    expires = budget.expires(year)
    return expires is not None and fiscal_year >= expires
