"""The KPI table of a comparison: each scenario's KPIs, and differences against the baseline."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from capsim.comparison.stats import band, paired_difference
from capsim.kpis import outcomes
from capsim.outcomes import (
    NOT_WITHIN_HORIZON,
    Kind,
    Outcome,
    censored_quantile,
    month_date,
)

TABLE_COLUMNS = [
    "stockpile", "kpi", "unit", "scenario", "replications", "median", "p05", "p95",
    "censored_share", "difference", "difference_low", "difference_high", "excludes_zero",
    "bounded",
]  # fmt: skip

DATE_UNIT = "months"
"""Unit of a date KPI in a comparison's numbers: months from the start through the month
reached (:func:`capsim.outcomes.month_count`), and months in its differences."""


def is_date(kpi: object) -> bool:
    """Whether a comparison row's KPI is a date (its numbers count months from the start)."""
    declared = {outcome.name: outcome for outcome in outcomes()}.get(str(kpi))
    return declared is not None and declared.kind is Kind.DATE


def unit_of(declared: Outcome) -> str:
    """The unit a comparison gives a KPI's numbers (dates count months from the start)."""
    return DATE_UNIT if declared.kind is Kind.DATE else declared.unit


def date_band(values: pd.Series, censored: pd.Series) -> tuple[float, float, float]:
    """Median, 5 % and 95 % of months to a date, ``inf`` where not within the horizon.

    The quantiles of :func:`capsim.outcomes.censored_quantile`, as in every view; NaN
    percentiles with one replication, as for numbers.
    """
    numbers = np.where(censored.to_numpy(dtype=bool), math.inf, values.to_numpy(dtype=float))
    median = censored_quantile(numbers, 0.5)
    if numbers.size < 2:
        return median, math.nan, math.nan
    return median, censored_quantile(numbers, 0.05), censored_quantile(numbers, 0.95)


def kpi_table(replicated: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    """One row per stockpile, KPI and scenario; the first scenario is the baseline.

    ``replicated`` has columns ``scenario``, ``replication``, ``stockpile``, ``kpi``,
    ``value`` and ``censored``. Per scenario: the median and 5–95 % band across
    replications (NaN with one replication) and the share of replications censored at
    the horizon. For a date KPI these count months from the start
    (:func:`capsim.comparison.runs.kpi_numbers`), ``inf`` when the quantile falls among
    the censored replications ("not within the horizon"). Per variant: the mean paired
    difference against the baseline with its 95 % t interval, whether that interval
    excludes zero (None without an interval), and whether it is ``bounded``: some pairs
    hold a run censored at the horizon, counted as the horizon, so the true difference
    lies beyond. KPIs that are NaN in every replication of every scenario are left out.
    """
    baseline = scenarios[0]
    declared = {outcome.name: outcome for outcome in outcomes()}
    rows = []
    for (stockpile, kpi), group in replicated.groupby(["stockpile", "kpi"], sort=False):
        if group["value"].isna().all():
            continue
        values = {
            name: part.sort_values("replication")
            for name, part in group.groupby("scenario", sort=False)
        }
        base = values.get(baseline)
        for name in scenarios:
            part = values.get(name)
            if part is None:
                continue
            kind = declared[str(kpi)].kind if str(kpi) in declared else Kind.COUNT
            if kind is Kind.DATE:
                median, low, high = date_band(part["value"], part["censored"])
            else:
                median, low, high = band(part["value"])
            difference = None
            bounded = None
            if name != baseline and base is not None:
                paired = base.merge(part, on="replication", suffixes=("_base", ""))
                difference = paired_difference(paired["value_base"], paired["value"])
                bounded = bool((paired["censored_base"] | paired["censored"]).any())
            rows.append(
                {
                    "stockpile": stockpile,
                    "kpi": kpi,
                    "unit": unit_of(declared[str(kpi)]) if str(kpi) in declared else "",
                    "scenario": name,
                    "replications": len(part),
                    "median": median,
                    "p05": low,
                    "p95": high,
                    "censored_share": float(part["censored"].mean()),
                    "difference": math.nan if difference is None else difference.mean,
                    "difference_low": math.nan if difference is None else difference.low,
                    "difference_high": math.nan if difference is None else difference.high,
                    "excludes_zero": None if difference is None else difference.excludes_zero,
                    "bounded": bounded,
                }
            )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def changed_rows(table: pd.DataFrame, scenarios: list[str]) -> pd.Series:
    """For each (stockpile, kpi): does it differ between scenarios? (bool, by that key)

    A KPI differs when a scenario lacks it, or when any scenario's median, band or censored
    share is not the baseline's (beyond 1e-9 of its size, which is rounding).
    """

    def differs(rows: pd.DataFrame) -> bool:
        if len(rows) < len(scenarios):
            return True
        for column in ("median", "p05", "p95", "censored_share"):
            values = rows[column].to_numpy(dtype=float)
            finite = np.abs(values[np.isfinite(values)])
            scale = max(float(finite.max(initial=0.0)), 1.0)
            if not np.allclose(values, values[0], rtol=0, atol=1e-9 * scale, equal_nan=True):
                return True
        return False

    return table.groupby(["stockpile", "kpi"], sort=False)[list(table.columns)].apply(differs)


def format_table(
    table: pd.DataFrame, scenarios: list[str], start: dt.date | None = None
) -> pd.DataFrame:
    """The KPI table side by side, as text: one row per stockpile and KPI.

    Columns: each scenario's median with its 5–95 % band, then each variant's difference
    against the baseline with its paired 95 % interval, starred when the interval
    excludes zero, marked "(bound)" when runs hit the horizon. With one replication:
    values and plain differences only. With ``start``, date KPIs read as months
    (``2031-11``) or "not within the horizon"; their differences are in months.
    """
    if table.empty:
        return pd.DataFrame(columns=["stockpile", "kpi", "unit", *scenarios])
    keys = table[["stockpile", "kpi", "unit"]].drop_duplicates()
    wide = keys.set_index(["stockpile", "kpi"])
    for name in scenarios:
        rows = table[table["scenario"] == name].set_index(["stockpile", "kpi"], drop=False)
        wide[name] = [
            value_text(rows.loc[key], start) if key in rows.index else "" for key in wide.index
        ]
    for name in scenarios[1:]:
        rows = table[table["scenario"] == name].set_index(["stockpile", "kpi"], drop=False)
        wide[f"Δ {name}"] = [
            difference_text(rows.loc[key]) if key in rows.index else "" for key in wide.index
        ]
    return wide.reset_index()


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    magnitude = abs(value)
    if magnitude < 0.005:
        return "0"
    if magnitude >= 1e6:
        return f"{value / 1e6:,.1f}M"
    if magnitude >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def value_text(row: pd.Series, start: dt.date | None = None, share: bool = True) -> str:
    """A row's median and 5–95 % band as text, with the share of runs not within the horizon.

    With ``start``, months to a date read as the month (``2031-11``), "never below" for
    0 (the stock never fell), or "not within the horizon". ``share=False`` leaves the
    share out (a table that gives it a column of its own).
    """
    date = start is not None and is_date(row["kpi"])

    def shown(value: float) -> str:
        if date and start is not None:
            day = month_date(start, value)
            if day is None:
                return NOT_WITHIN_HORIZON
            return "never below" if value <= 0 else f"{day:%Y-%m}"
        return NOT_WITHIN_HORIZON if math.isinf(value) else _number(value)

    text = shown(float(row["median"]))
    if not np.isnan(row["p05"]):
        text += f" [{shown(float(row['p05']))}, {shown(float(row['p95']))}]"
    if share and row["censored_share"] > 0:
        text += f" ({row['censored_share']:.0%} {NOT_WITHIN_HORIZON})"
    return text


def difference_text(row: pd.Series) -> str:
    """A variant row's paired difference and interval; "*" excludes zero, "(bound)" when runs
    hit the horizon (they count as the horizon, so the true difference lies beyond)."""
    text = _signed(float(row["difference"]))
    if not np.isnan(row["difference_low"]):
        text += (
            f" [{_signed(float(row['difference_low']))}, {_signed(float(row['difference_high']))}]"
        )
    if row.get("bounded"):
        text += " (bound)"
    if row["excludes_zero"]:
        text += " *"
    return text


def _signed(value: float) -> str:
    text = _number(value)
    return text if text.startswith("-") or text in ("–", "0") else f"+{text}"


__all__ = [
    "DATE_UNIT",
    "TABLE_COLUMNS",
    "changed_rows",
    "date_band",
    "difference_text",
    "format_table",
    "is_date",
    "kpi_table",
    "unit_of",
    "value_text",
]
