"""Key results of a run, one row per stockpile, computed from the run's records."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from capsim.calendar import Calendar
from capsim.model.records import MoneyFlow, Recorder, SeriesKey
from capsim.scenario.schema import Scenario

KPI_COLUMNS = [
    "stockpile", "holder", "system", "initial_stock", "objective", "lowest_stock",
    "lowest_stock_date", "recovery_date", "objective_date", "months_below_objective",
    "unmet_total", "delivered_total", "peak_monthly_output", "cost_per_delivered_unit_usd",
    "outlay_per_delivered_unit_usd", "obligated_usd", "appropriated_usd",
]  # fmt: skip


DATE_COLUMNS = ("lowest_stock_date", "recovery_date", "objective_date")


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


def stockpile_kpis(scenario: Scenario, calendar: Calendar, records: Recorder) -> pd.DataFrame:
    """KPIs per stockpile as a table; see :func:`stockpile_kpi_rows`."""
    return kpi_table(stockpile_kpi_rows(scenario, calendar, records))


def kpi_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """KPI rows (of one or many runs) as a DataFrame with date columns as datetimes.

    Built column by column (not with ``DataFrame.from_records``), which is four times
    quicker and matters when a run's KPIs are all a user asks for.
    """
    names = list(rows[0]) if rows else KPI_COLUMNS
    columns: dict[str, object] = {}
    for name in names:
        values = [row[name] for row in rows]
        columns[name] = np.array(values, dtype="datetime64[s]") if name in DATE_COLUMNS else values
    return pd.DataFrame(columns)


def stockpile_kpi_rows(
    scenario: Scenario, calendar: Calendar, records: Recorder
) -> list[dict[str, object]]:
    """KPIs per stockpile: recovery, lowest point, shortfall, output, cost and money.

    * ``recovery_date``: last day of the first month back at the initial (pre-drawdown)
      stock after falling below it; NaT if it never fell, or never recovered within the
      horizon;
    * ``objective_date``: the same for the inventory objective;
    * ``peak_monthly_output`` and ``cost_per_delivered_unit_usd`` (learning-curve
      production cost over units delivered to all buyers; NaN without a learning curve)
      are per system;
    * ``obligated_usd``: money obligated for this holder's contracts for this system;
      ``appropriated_usd``: all money appropriated to the accounts that paid for them.
    """
    series = records.series
    month_ends = calendar.month_ends
    money = _money_by_buyer(records)
    appropriated = _totals(records, MoneyFlow.APPROPRIATED)
    lines_of: dict[str, list[str]] = {}
    for line_id, line in scenario.lines.items():
        lines_of.setdefault(line.system, []).append(line_id)
    delivered_of: dict[str, float] = {}
    for other_id, other in scenario.stockpiles.items():
        key = SeriesKey("stockpile", other_id, "deliveries", other.system, other.holder)
        delivered_of[other.system] = delivered_of.get(other.system, 0.0) + series[key].sum()
    rows = []
    for stockpile_id, stockpile in scenario.stockpiles.items():
        labels = (stockpile.system, stockpile.holder)

        def metric(
            name: str, entity: str = stockpile_id, on: tuple[str, str] = labels
        ) -> np.ndarray:
            return series[SeriesKey("stockpile", entity, name, *on)]

        stock = metric("stock")
        system = stockpile.system
        lowest = int(np.argmin(stock))
        objective = stockpile.objective
        recovered = first_month_back(stock, stockpile.initial)
        reached = None if objective is None else first_month_back(stock, objective)
        lines = lines_of.get(system, [])
        output = sum(
            (series[SeriesKey("line", line, "production", system)] for line in lines),
            np.zeros(calendar.months),
        )
        priced = any(scenario.lines[line].learning_curve is not None for line in lines)
        cost = sum(
            series[SeriesKey("line", line, "production_cost_usd", system)].sum() for line in lines
        )
        delivered_all = delivered_of[system]
        delivered = float(metric("deliveries").sum())
        mine = money.get((stockpile.holder, system), _BuyerMoney())
        rows.append(
            {
                "stockpile": stockpile_id,
                "holder": stockpile.holder,
                "system": system,
                "initial_stock": stockpile.initial,
                "objective": np.nan if objective is None else objective,
                "lowest_stock": float(stock[lowest]),
                "lowest_stock_date": month_ends[lowest],
                "recovery_date": _month_end(month_ends, recovered),
                "objective_date": _month_end(month_ends, reached),
                "months_below_objective": _months_below(stock, objective),
                "unmet_total": float(metric("unmet").sum()),
                "delivered_total": delivered,
                "peak_monthly_output": float(output.max()),
                "cost_per_delivered_unit_usd": cost / delivered_all
                if priced and delivered_all
                else np.nan,
                "outlay_per_delivered_unit_usd": mine.outlaid / delivered if delivered else np.nan,
                "obligated_usd": mine.obligated,
                "appropriated_usd": sum(
                    appropriated.get(account, 0.0) for account in mine.accounts
                ),
            }
        )
    return rows


@dataclass
class _BuyerMoney:
    """Money on one buyer's contracts for one system: accounts that paid, USD moved."""

    accounts: set[str] = field(default_factory=set)
    obligated: float = 0.0
    outlaid: float = 0.0


def _money_by_buyer(records: Recorder) -> dict[tuple[str, str], _BuyerMoney]:
    """Obligations and outlays by (holder, system) of the contract they paid for."""
    buyers = {
        event.entity: (event.holder, event.system)
        for event in records.events
        if event.kind == "award"
    }
    found: dict[tuple[str, str], _BuyerMoney] = {}
    for row in records.ledger:
        buyer = buyers.get(row.reference)
        if buyer is None:
            continue
        money = found.setdefault(buyer, _BuyerMoney())
        money.accounts.add(row.account)
        if row.flow is MoneyFlow.OBLIGATED:
            money.obligated += row.amount
        elif row.flow is MoneyFlow.OUTLAID:
            money.outlaid += row.amount
    return found


def _totals(records: Recorder, flow: MoneyFlow) -> dict[str, float]:
    """USD of one kind of flow per account."""
    totals: dict[str, float] = {}
    for row in records.ledger:
        if row.flow is flow:
            totals[row.account] = totals.get(row.account, 0.0) + row.amount
    return totals


def _months_below(stock: np.ndarray, objective: int | None) -> int:
    return 0 if objective is None else int((stock < objective).sum())


def _month_end(month_ends: np.ndarray, index: int | None) -> np.datetime64:
    return np.datetime64("NaT", "D") if index is None else month_ends[index]
