"""Invariants every run keeps, whatever its scenario: shared by property and fuzz tests.

Each check takes only the :class:`~capsim.results.Results` (its scenario included) and
raises ``AssertionError`` naming what broke.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capsim.results import Results

TOLERANCE_USD = 1e-3
"""Absolute USD slack for sums of floating-point money."""
RELATIVE_TOLERANCE = 1e-9
"""Relative slack for sums of floating-point money (large budgets)."""
NOT_UNITS = ("capacity", "production_cost_usd", "available_usd")
"""Metrics that are not counts of units (rates and money)."""


def money_slack(amount: float) -> float:
    """USD of floating-point slack allowed when comparing sums near ``amount``."""
    return TOLERANCE_USD + RELATIVE_TOLERANCE * abs(amount)


def check_finite(results: Results) -> None:
    """No NaN or infinity in the monthly series or the money."""
    values = results.timeseries["value"].to_numpy(dtype=float)
    assert np.isfinite(values).all(), "non-finite value in the timeseries"
    amounts = results.money["amount_usd"].to_numpy(dtype=float)
    assert np.isfinite(amounts).all(), "non-finite amount in the money table"


def check_nothing_negative(results: Results) -> None:
    """Stock, flows and money never go below zero; unit counts stay whole numbers."""
    series = results.timeseries
    negative = series[series["value"] < -TOLERANCE_USD]
    assert negative.empty, negative
    assert (results.money["amount_usd"] >= 0).all()
    units = series[~series["metric"].isin(NOT_UNITS)]
    assert (units["value"] == units["value"].round()).all()


def check_stock_conserved(results: Results) -> None:
    """Month by month, each stockpile's stock is last month's plus what came in less what left."""
    stock = results.series("stock", "stockpile")
    if stock.empty:
        return
    deliveries = results.series("deliveries", "stockpile")
    transfers_in = results.series("transfers_in", "stockpile")
    served = results.series("served", "stockpile")
    initial = pd.Series(
        {key: float(spec.initial) for key, spec in results.scenario.stockpiles.items()}
    )
    previous = stock.shift(1)
    previous.iloc[0] = initial[stock.columns]
    expected = previous + deliveries + transfers_in - served
    pd.testing.assert_frame_equal(stock, expected, check_names=False, check_dtype=False)
    transfers_out = results.series("transfers_out", "stockpile")
    assert transfers_in.to_numpy().sum() == transfers_out.to_numpy().sum()


def check_money_conserved(results: Results) -> None:
    """Per account and fiscal year: obligated and lapsed never exceed appropriated, and
    outlays never exceed obligations."""
    money = results.money
    if money.empty:
        return
    totals = (
        money.groupby(["account", "fiscal_year", "flow"], observed=True)["amount_usd"]
        .sum()
        .unstack(fill_value=0.0)
    )
    for flow in ("appropriated", "obligated", "outlaid", "lapsed"):
        if flow not in totals:
            totals[flow] = 0.0
    slack = TOLERANCE_USD + RELATIVE_TOLERANCE * totals["appropriated"].abs()
    assert (totals["obligated"] + totals["lapsed"] <= totals["appropriated"] + slack).all()
    assert (totals["outlaid"] <= totals["obligated"] + slack).all()


def check_invariants(results: Results) -> None:
    """Every invariant above."""
    check_finite(results)
    check_nothing_negative(results)
    check_stock_conserved(results)
    check_money_conserved(results)
