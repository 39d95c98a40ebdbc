"""Budgets: appropriations per account and fiscal year, obligations and outlays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import simpy

from capsim.calendar import Calendar
from capsim.model.records import LedgerRow, MoneyFlow, Recorder
from capsim.scenario.funding import Budget, UnspentFunds

MONEY_TOLERANCE = 1e-6
"""USD below which a balance counts as zero (floating-point dust)."""


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

    Money is appropriated at the start of each fiscal year. Obligations draw on the
    oldest money first. Unobligated money of a ``lapse`` account expires when its fiscal
    year ends; a ``carry_over`` account keeps it. Outlays follow deliveries and can
    never exceed what was obligated.
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
        self._available = {
            account: recorder.new_series("account", account, "available_usd") for account in budgets
        }

    def open_month(self, month: int) -> None:
        """Appropriate a new fiscal year's money, and lapse the old, when one begins."""
        if not self._calendar.starts_fiscal_year(month):
            return
        fiscal_year = self._calendar.fiscal_year(month)
        for account, budget in self._budgets.items():
            balances = self._balances[account]
            if budget.unspent is UnspentFunds.LAPSE:
                for year in [year for year in balances if year < fiscal_year]:
                    self._record(month, account, year, MoneyFlow.LAPSED, balances.pop(year), "")
            for key, amount in budget.appropriations.items():
                year = int(key[2:])
                opening = month == 0 and year < fiscal_year
                carried = opening and budget.unspent is UnspentFunds.CARRY_OVER
                if year == fiscal_year or carried:
                    balances[year] = balances.get(year, 0.0) + amount
                    self._record(month, account, year, MoneyFlow.APPROPRIATED, amount, key)
            arrival, self._arrivals[account] = self._arrivals[account], self._env.event()
            arrival.succeed()

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
        if amount > self.available(account) + MONEY_TOLERANCE:
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
            if remaining <= MONEY_TOLERANCE:
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
