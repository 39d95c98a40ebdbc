"""Budgets: appropriations per account and fiscal year, obligations and outlays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import simpy

from capsim.calendar import Calendar, fiscal_year_start
from capsim.model.records import LedgerRow, MoneyFlow, Recorder
from capsim.scenario.funding import Appropriation, Budget

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

    @property
    def total(self) -> float:
        """USD obligated."""
        return sum(self.by_fiscal_year.values())


class Treasury:
    """All budget accounts of a scenario.

    Money is appropriated at the start of each fiscal year (or when enacted).
    Obligations draw on the oldest money first. Unobligated money of a ``lapse`` account
    expires ``years_available`` fiscal years after its own (the US rule for procurement
    accounts is three); a ``carry_over`` account keeps it. Outlays follow deliveries and
    can never exceed what was obligated.
    """

    def __init__(
        self,
        env: simpy.Environment,
        budgets: Mapping[str, Budget],
        calendar: Calendar,
        recorder: Recorder,
    ) -> None:
        self._env = env
        self._budgets = budgets
        self._calendar = calendar
        self._ledger = recorder.ledger
        self._balances: dict[str, dict[int, float]] = {account: {} for account in budgets}
        self._arrivals = {account: env.event() for account in budgets}
        self._schedule = {
            account: self._appropriation_months(budget) for account, budget in budgets.items()
        }
        self._available = {
            account: recorder.new_series("account", account, "available_usd") for account in budgets
        }

    def open_month(self, month: int) -> None:
        """Expire old money and make new appropriations available, as the month begins."""
        fiscal_year = self._calendar.fiscal_year(month)
        for account, budget in self._budgets.items():
            balances = self._balances[account]
            if self._calendar.starts_fiscal_year(month):
                for year in [year for year in balances if _expired(budget, year, fiscal_year)]:
                    lapsed = balances.pop(year)
                    if lapsed > MONEY_TOLERANCE:
                        self._record(month, account, year, MoneyFlow.LAPSED, lapsed, "")
            arrived = False
            for year, amount, key in self._schedule[account].get(month, []):
                if not _expired(budget, year, fiscal_year):
                    balances[year] = balances.get(year, 0.0) + amount
                    self._record(month, account, year, MoneyFlow.APPROPRIATED, amount, key)
                    arrived = True
            if arrived:
                arrival, self._arrivals[account] = self._arrivals[account], self._env.event()
                arrival.succeed()

    def _appropriation_months(self, budget: Budget) -> dict[int, list[tuple[int, float, str]]]:
        """Month → (fiscal year, USD, key) of the money that becomes available then.

        Money of a fiscal year that began before the scenario is available at the start.
        """
        calendar = self._calendar
        months: dict[int, list[tuple[int, float, str]]] = {}
        for key, appropriation in budget.appropriations.items():
            year = int(key[2:])
            if isinstance(appropriation, Appropriation):
                month, amount = calendar.month_of(appropriation.enacted), appropriation.amount
            else:
                month = calendar.month_of(fiscal_year_start(year, calendar.fiscal_year_start_month))
                amount = appropriation
            if month < calendar.months:
                months.setdefault(max(month, 0), []).append((year, amount, key))
        return months

    def close_month(self, month: int) -> None:
        """Record each account's unobligated balance at the end of ``month``."""
        for account, series in self._available.items():
            series[month] = self.available(account)

    def available(self, account: str) -> float:
        """Unobligated USD an account can obligate now."""
        return sum(self._balances[account].values())

    def funds_arrived(self, account: str) -> simpy.Event:
        """An event that fires at the account's next appropriation."""
        return self._arrivals[account]

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
            self._record(month, account, year, MoneyFlow.OBLIGATED, take, reference)
            if remaining <= money_tolerance(amount):
                break
        return obligation

    def pay(self, obligation: Obligation, amount: float, month: int) -> None:
        """Pay ``amount`` USD against an obligation, charged to its oldest money first."""
        amount = min(amount, obligation.total - obligation.paid)
        already = obligation.paid
        obligation.paid += amount
        for year, obligated in sorted(obligation.by_fiscal_year.items()):
            share = min(max(obligated - already, 0.0), amount)
            already = max(already - obligated, 0.0)
            if share > 0:
                amount -= share
                self._record(
                    month, obligation.account, year, MoneyFlow.OUTLAID, share, obligation.reference
                )

    def _record(
        self, month: int, account: str, year: int, flow: MoneyFlow, amount: float, ref: str
    ) -> None:
        self._ledger.append(LedgerRow(month, account, year, flow, amount, ref))


def _expired(budget: Budget, year: int, fiscal_year: int) -> bool:
    expires = budget.expires(year)
    return expires is not None and fiscal_year >= expires
