"""Key results of a run, one row per stockpile: each declared once, next to its computation.

Every KPI is an :class:`~capsim.outcomes.Outcome` in the registry of this module. To add
one, write a function of a :class:`StockpileRun` and :func:`register` its declaration:
it then appears in ``Results.kpis``, ``Ensemble.kpis``, experiment stores and
``compare``. (Worker processes see what their own import of capsim registers: register
in a module the workers import, or run serially.)

>>> from capsim.kpis import outcome
>>> outcome("recovery_date").unit
'date'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from capsim.calendar import Calendar
from capsim.model.records import MoneyFlow, Recorder, series_key
from capsim.outcomes import Censoring, Kind, Outcome, Scope
from capsim.scenario.schema import Scenario

_NOT_REACHED = np.datetime64("NaT", "D")

LABELS = ("stockpile", "holder", "system")
"""Columns that say whose KPIs a row holds."""


def first_month_back(stock: np.ndarray, level: float) -> int | None:
    """Index of the first month at or above ``level`` after the stock first fell below it.

    ``None`` when the stock never falls below the level, or never gets back within the
    horizon.

    >>> first_month_back(np.array([10, 4, 8, 11, 3]), 10)
    3
    """
    below = np.flatnonzero(stock < level)
    if below.size == 0:
        return None
    back = np.flatnonzero(stock[below[0] :] >= level)
    return int(below[0] + back[0]) if back.size else None


class RunTotals:
    """What every stockpile of one run shares: money by buyer, output and deliveries by system."""

    def __init__(self, scenario: Scenario, calendar: Calendar, records: Recorder) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.records = records
        self._line_series: dict[tuple[str, str], np.ndarray] = {}

    @cached_property
    def lines_of(self) -> dict[str, list[str]]:
        """Production line ids by system."""
        found: dict[str, list[str]] = {}
        for line_id, line in self.scenario.lines.items():
            found.setdefault(line.system, []).append(line_id)
        return found

    @cached_property
    def delivered_of(self) -> dict[str, float]:
        """Units delivered to every holder, by system."""
        found: dict[str, float] = {}
        for stockpile_id, stockpile in self.scenario.stockpiles.items():
            key = series_key(
                "stockpile", stockpile_id, "deliveries", stockpile.system, stockpile.holder
            )
            delivered = float(self.records.monthly(key).sum())
            found[stockpile.system] = found.get(stockpile.system, 0.0) + delivered
        return found

    @cached_property
    def money(self) -> dict[tuple[str, str], BuyerMoney]:
        """Obligations and outlays by (holder, system) of the contract they paid for."""
        found: dict[tuple[str, str], BuyerMoney] = {}
        paid_for: dict[str, BuyerMoney] = {}  # award (order id) → its buyer's money
        for event in self.records.events:
            if event.kind == "award":
                buyer = (event.holder, event.system)
                money = found.get(buyer)
                if money is None:
                    money = found[buyer] = BuyerMoney()
                paid_for[event.entity] = money
        obligated, outlaid = MoneyFlow.OBLIGATED, MoneyFlow.OUTLAID
        paid = paid_for.get
        # Rows unpacked (LedgerRow's fields in order): cheaper than reading four fields.
        for _, account, _, flow, amount, reference in self.records.ledger:
            money = paid(reference)
            if money is None:
                continue
            money.accounts.add(account)
            if flow is outlaid:  # most rows: the payments
                money.outlaid += amount
            elif flow is obligated:
                money.obligated += amount
        return found

    def line_series(self, system: str, metric: str) -> np.ndarray:
        """A monthly line metric summed over the lines of ``system`` (computed once)."""
        found = self._line_series.get((system, metric))
        if found is None:
            monthly = self.records.monthly
            found = sum(
                (
                    monthly(series_key("line", line, metric, system))
                    for line in self.lines_of.get(system, [])
                ),
                np.zeros(self.calendar.months),
            )
            self._line_series[(system, metric)] = found
        return found

    @cached_property
    def appropriated(self) -> dict[str, float]:
        """USD appropriated per account."""
        totals: dict[str, float] = {}
        appropriated = MoneyFlow.APPROPRIATED
        for row in self.records.ledger:
            if row.flow is appropriated:
                totals[row.account] = totals.get(row.account, 0.0) + row.amount
        return totals


@dataclass
class BuyerMoney:
    """Money on one buyer's contracts for one system: accounts that paid, USD moved."""

    accounts: set[str] = field(default_factory=set)
    obligated: float = 0.0
    outlaid: float = 0.0


class StockpileRun:
    """One stockpile in one run: what a KPI's computing function reads.

    Attributes
    ----------
    stockpile
        The stockpile's id.
    spec
        Its scenario entry (``initial``, ``objective``, ``holder``, ``system``).
    totals
        What the run's stockpiles share (:class:`RunTotals`).
    """

    def __init__(self, stockpile: str, totals: RunTotals) -> None:
        self.stockpile = stockpile
        self.spec = totals.scenario.stockpiles[stockpile]
        self.totals = totals

    @property
    def calendar(self) -> Calendar:
        """The run's calendar."""
        return self.totals.calendar

    def series(self, metric: str) -> np.ndarray:
        """A monthly series of this stockpile (``stock``, ``deliveries``, ``unmet``, ...)."""
        key = series_key("stockpile", self.stockpile, metric, self.spec.system, self.spec.holder)
        return self.totals.records.monthly(key)

    @cached_property
    def stock(self) -> np.ndarray:
        """Stock at the end of each month, units."""
        return self.series("stock")

    @cached_property
    def lines(self) -> list[str]:
        """The production lines of this stockpile's system."""
        return self.totals.lines_of.get(self.spec.system, [])

    def line_series(self, metric: str) -> np.ndarray:
        """A monthly line metric summed over this system's lines."""
        return self.totals.line_series(self.spec.system, metric)

    @cached_property
    def money(self) -> BuyerMoney:
        """Money of the contracts this holder bought this system with."""
        return self.totals.money.get((self.spec.holder, self.spec.system), BuyerMoney())

    def back_at(self, level: float | None) -> np.datetime64:
        """Last day of the first month back at ``level`` after falling below it.

        The start date if the stock never fell below it; ``NaT`` if it is not back within
        the horizon (censored), or there is no level.
        """
        if level is None:
            return _NOT_REACHED
        stock = self.stock
        below = stock < level
        first = int(below.argmax())  # the first month below (0 if none is)
        if not below[first]:
            return np.datetime64(self.calendar.start, "D")
        back = stock[first:] >= level
        again = int(back.argmax())
        if not back[again]:
            return _NOT_REACHED
        return self.calendar.month_ends[first + again]  # type: ignore[no-any-return]


def _objective(run: StockpileRun) -> float:
    return np.nan if run.spec.objective is None else float(run.spec.objective)


def _lowest_stock_date(run: StockpileRun) -> np.datetime64:
    return run.calendar.month_ends[int(run.stock.argmin())]  # type: ignore[no-any-return]


def _months_below_objective(run: StockpileRun) -> int:
    objective = run.spec.objective
    return 0 if objective is None else int((run.stock < objective).sum())


def _cost_per_delivered_unit(run: StockpileRun) -> float:
    priced = any(run.totals.scenario.lines[line].learning_curve is not None for line in run.lines)
    delivered = run.totals.delivered_of[run.spec.system]
    if not (priced and delivered):
        return np.nan
    return float(run.line_series("production_cost_usd").sum()) / delivered


def _outlay_per_delivered_unit(run: StockpileRun) -> float:
    delivered = float(run.series("deliveries").sum())
    return run.money.outlaid / delivered if delivered else np.nan


def _appropriated(run: StockpileRun) -> float:
    return sum(run.totals.appropriated.get(account, 0.0) for account in run.money.accounts)


BUILT_IN = (
    Outcome("initial_stock", "units", Kind.COUNT, Scope.STOCKPILE,
            "stock at the start", lambda run: run.spec.initial, whole=True, echo=True),
    Outcome("objective", "units", Kind.COUNT, Scope.STOCKPILE,
            "inventory objective (missing without one)", _objective, echo=True),
    Outcome("lowest_stock", "units", Kind.COUNT, Scope.STOCKPILE,
            "lowest month-end stock", lambda run: float(run.stock.min())),
    Outcome("lowest_stock_date", "date", Kind.DATE, Scope.STOCKPILE,
            "end of the month of the lowest stock (the first such month)", _lowest_stock_date),
    Outcome("recovery_date", "date", Kind.DATE, Scope.STOCKPILE,
            "stock back at its initial level: end of the first month back after falling "
            "below it (the start if it never fell)",
            lambda run: run.back_at(run.spec.initial), Censoring.HORIZON),
    Outcome("objective_date", "date", Kind.DATE, Scope.STOCKPILE,
            "stock back at its objective: end of the first month back after falling below "
            "it (the start if it never fell)",
            lambda run: run.back_at(run.spec.objective), Censoring.HORIZON, requires="objective"),
    Outcome("months_below_objective", "months", Kind.COUNT, Scope.STOCKPILE,
            "months ending below the objective", _months_below_objective, whole=True),
    Outcome("unmet_total", "units", Kind.COUNT, Scope.STOCKPILE,
            "demand not served", lambda run: float(run.series("unmet").sum())),
    Outcome("delivered_total", "units", Kind.COUNT, Scope.STOCKPILE,
            "units delivered to this stockpile", lambda run: float(run.series("deliveries").sum())),
    Outcome("peak_monthly_output", "units per month", Kind.COUNT, Scope.LINE,
            "highest monthly production of the system's lines",
            lambda run: float(run.line_series("production").max())),
    Outcome("cost_per_delivered_unit_usd", "USD per unit", Kind.AMOUNT, Scope.LINE,
            "learning-curve production cost over units delivered to all buyers "
            "(missing without a learning curve)", _cost_per_delivered_unit),
    Outcome("outlay_per_delivered_unit_usd", "USD per unit", Kind.AMOUNT, Scope.ACCOUNT,
            "money paid out on this holder's contracts over units delivered to it",
            _outlay_per_delivered_unit),
    Outcome("obligated_usd", "USD", Kind.AMOUNT, Scope.ACCOUNT,
            "money obligated for this holder's contracts for this system",
            lambda run: run.money.obligated),
    Outcome("appropriated_usd", "USD", Kind.AMOUNT, Scope.ACCOUNT,
            "all money appropriated to the accounts that paid for them", _appropriated),
)  # fmt: skip
"""The KPIs capsim computes, in table order."""

_REGISTRY: dict[str, Outcome] = {outcome.name: outcome for outcome in BUILT_IN}


def register(outcome: Outcome) -> Outcome:
    """Add a KPI (after the others); every KPI table and view then carries it."""
    if outcome.name in _REGISTRY or outcome.name in LABELS:
        raise ValueError(f"a KPI named {outcome.name!r} is already declared")
    _REGISTRY[outcome.name] = outcome
    return outcome


def unregister(name: str) -> None:
    """Remove a KPI added with :func:`register` (built-in ones stay)."""
    if any(outcome.name == name for outcome in BUILT_IN):
        raise ValueError(f"{name!r} is built in")
    _REGISTRY.pop(name, None)


def outcomes() -> tuple[Outcome, ...]:
    """Every declared KPI, in table order."""
    return tuple(_REGISTRY.values())


def added() -> tuple[Outcome, ...]:
    """KPIs registered beyond the built-in ones: every short summary shows them too."""
    return tuple(outcome for outcome in _REGISTRY.values() if outcome not in BUILT_IN)


def outcome(name: str) -> Outcome:
    """The declaration of one KPI."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"no KPI {name!r}; known: {', '.join(_REGISTRY)}") from None


def kpi_columns() -> list[str]:
    """Columns of a KPI table: the labels, then every KPI."""
    return [*LABELS, *_REGISTRY]


def stockpile_kpis(scenario: Scenario, calendar: Calendar, records: Recorder) -> pd.DataFrame:
    """KPIs per stockpile as a table; see :func:`stockpile_kpi_rows`."""
    rows = stockpile_kpi_rows(scenario, calendar, records)
    if not rows:
        return kpi_table(rows)
    key = (tuple(rows[0]), tuple(tuple(row[name] for name in LABELS) for row in rows))
    labels = _LABEL_COLUMNS.get(key)
    if labels is None:
        table = kpi_table(rows)
        if len(_LABEL_COLUMNS) >= 64:
            _LABEL_COLUMNS.clear()
        _LABEL_COLUMNS[key] = {name: table[name].array.copy() for name in LABELS}
        return table
    # Copies: a table's columns are its own, to write to.
    return _frame(rows, {name: column.copy() for name, column in labels.items()})


_Layout = tuple[tuple[str, ...], tuple[tuple[object, ...], ...]]
"""A KPI table's columns, and the labels of each of its rows."""

_LABEL_COLUMNS: dict[_Layout, dict[str, ExtensionArray]] = {}
"""The label columns of the KPI tables of recent layouts, as pandas made them: the
replications of a scenario share them (each table takes a copy), and inferring the type of
text took a third of the cost of a small table."""


def kpi_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """KPI rows (of one or many runs) as a DataFrame with date columns as datetimes.

    Built column by column (not with ``DataFrame.from_records``), which is four times
    quicker and matters when a run's KPIs are all a user asks for.
    """
    return _frame(rows, {})


def _frame(rows: list[dict[str, object]], made: dict[str, object]) -> pd.DataFrame:
    """:func:`kpi_table` of ``rows``, with the columns in ``made`` already made."""
    names = list(rows[0]) if rows else kpi_columns()
    columns: dict[str, object] = {}
    for name in names:
        column = made.get(name)
        if column is None:
            values = [row[name] for row in rows]
            dated = name in _REGISTRY and _REGISTRY[name].kind is Kind.DATE
            column = np.array(values, dtype="datetime64[s]") if dated else _plain(values)
        columns[name] = column
    return pd.DataFrame(columns)


_EXACT = 2**53
"""Whole numbers up to this size are exact as floats."""


def _plain(values: list[object]) -> object:
    """``values`` as the array pandas infers for a column of them when they are plain
    Python numbers (``int64`` for ints that fit, ``float64`` for floats, or floats and
    ints that a float holds exactly); ``values`` itself otherwise, for pandas to infer.

    pandas takes an array of the right type in a third of the instructions of a list.
    """
    kinds = set(map(type, values))
    if kinds == {float}:
        return np.array(values, dtype=np.float64)
    if kinds == {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            return values
    if kinds == {float, int} and all(
        type(value) is float or -_EXACT <= value <= _EXACT  # type: ignore[operator]
        for value in values
    ):
        return np.array(values, dtype=np.float64)
    return values


def stockpile_kpi_rows(
    scenario: Scenario, calendar: Calendar, records: Recorder
) -> list[dict[str, object]]:
    """Every declared KPI of every stockpile of one run: one row per stockpile.

    See :data:`BUILT_IN` for what each KPI means; date KPIs are ``NaT`` when not reached
    within the horizon.
    """
    totals = RunTotals(scenario, calendar, records)
    declared = outcomes()
    rows = []
    for stockpile_id, stockpile in scenario.stockpiles.items():
        run = StockpileRun(stockpile_id, totals)
        row: dict[str, object] = {
            "stockpile": stockpile_id,
            "holder": stockpile.holder,
            "system": stockpile.system,
        }
        for declaration in declared:
            row[declaration.name] = declaration.compute(run)
        rows.append(row)
    return rows


__all__ = [
    "BUILT_IN",
    "LABELS",
    "RunTotals",
    "StockpileRun",
    "added",
    "first_month_back",
    "kpi_columns",
    "kpi_table",
    "outcome",
    "outcomes",
    "register",
    "stockpile_kpi_rows",
    "stockpile_kpis",
    "unregister",
]
