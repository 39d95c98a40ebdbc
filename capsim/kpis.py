"""Key results of a run, one row per stockpile."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from capsim.results import Results

KPI_COLUMNS = [
    "stockpile", "holder", "system", "initial_stock", "objective", "lowest_stock",
    "lowest_stock_date", "recovery_date", "objective_date", "months_below_objective",
    "unmet_total", "delivered_total", "peak_monthly_output", "cost_per_delivered_unit_usd",
    "outlay_per_delivered_unit_usd", "obligated_usd", "appropriated_usd",
]


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


def stockpile_kpis(results: Results) -> pd.DataFrame:
    """KPIs per stockpile: recovery, lowest point, shortfall, output, cost and money.

    * ``recovery_date``: first month-end back at the initial (pre-drawdown) stock after
      falling below it; NaT if it never fell or never recovered within the horizon;
    * ``objective_date``: the same for the inventory objective;
    * ``peak_monthly_output``, ``cost_per_delivered_unit_usd`` (learning-curve production
      cost over units delivered to all buyers) are per system;
    * ``obligated_usd``: money obligated for this holder's contracts for this system;
      ``appropriated_usd``: all money appropriated to the accounts that paid for them.
    """
    scenario = results.scenario
    series = results.timeseries
    months = series["month"].drop_duplicates().reset_index(drop=True)
    by_key = {
        key: group["value"].to_numpy()
        for key, group in series.groupby(["entity_kind", "entity", "metric"], sort=False)
    }
    money = results.money
    awards = results.events[results.events["kind"] == "award"]
    rows = []
    for stockpile_id, stockpile in scenario.stockpiles.items():
        stock = by_key[("stockpile", stockpile_id, "stock")]
        system = stockpile.system
        lowest = int(np.argmin(stock)) if stock.size else 0
        objective = stockpile.objective
        recovered = first_month_back(stock, stockpile.initial)
        reached = None if objective is None else first_month_back(stock, objective)
        output = _system_total(by_key, scenario.lines, system, "production")
        cost = _system_total(by_key, scenario.lines, system, "production_cost_usd").sum()
        delivered_all = sum(
            by_key[("stockpile", other_id, "deliveries")].sum()
            for other_id, other in scenario.stockpiles.items()
            if other.system == system
        )
        contracts = awards[(awards["holder"] == stockpile.holder) & (awards["system"] == system)]
        flows = money[money["reference"].isin(set(contracts["entity"]))]
        accounts = set(flows["account"])
        appropriated = money[(money["flow"] == "appropriated") & money["account"].isin(accounts)]
        outlaid = flows[flows["flow"] == "outlaid"]["amount_usd"].sum()
        delivered = by_key[("stockpile", stockpile_id, "deliveries")].sum()
        rows.append(
            {
                "stockpile": stockpile_id,
                "holder": stockpile.holder,
                "system": system,
                "initial_stock": stockpile.initial,
                "objective": np.nan if objective is None else objective,
                "lowest_stock": float(stock[lowest]),
                "lowest_stock_date": _month_end(months, lowest),
                "recovery_date": _month_end(months, recovered),
                "objective_date": _month_end(months, reached),
                "months_below_objective": int((stock < objective).sum()) if objective else 0,
                "unmet_total": float(by_key[("stockpile", stockpile_id, "unmet")].sum()),
                "delivered_total": float(delivered),
                "peak_monthly_output": float(output.max()) if output.size else 0.0,
                "cost_per_delivered_unit_usd": cost / delivered_all if delivered_all else np.nan,
                "outlay_per_delivered_unit_usd": outlaid / delivered if delivered else np.nan,
                "obligated_usd": flows[flows["flow"] == "obligated"]["amount_usd"].sum(),
                "appropriated_usd": appropriated["amount_usd"].sum(),
            }
        )
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


def _system_total(
    by_key: dict[tuple[str, str, str], np.ndarray], lines: object, system: str, metric: str
) -> np.ndarray:
    arrays = [
        by_key[("line", line_id, metric)]
        for line_id, line in lines.items()  # type: ignore[attr-defined]
        if line.system == system
    ]
    return np.sum(arrays, axis=0) if arrays else np.zeros(0)


def _month_end(months: pd.Series, index: int | None) -> pd.Timestamp:
    if index is None:
        return pd.NaT
    return months[index] + pd.offsets.MonthEnd(0)
