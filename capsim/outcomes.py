"""The outcome vocabulary: what a key result is, and how a set of runs is summarised.

Each key result (KPI) is declared once as an :class:`Outcome`: its name, unit, kind
(date, count, amount), scope (stockpile, line, account) and how it behaves when
censored. The declarations live in :mod:`capsim.kpis`, next to the functions that
compute them; every view (``Results``, ``Ensemble``, the experiment store, ``compare``,
the command line and the report) reads them from there.

A date that is not reached within the horizon is **censored**, with one convention
everywhere:

* one run reports it as "not within the horizon" (``NaT`` in a table);
* a set of runs is summarised by the probability of reaching it by given dates, and by
  quantiles that are themselves "not within the horizon" when they fall among the
  censored runs (:func:`censored_quantile`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from pandas._libs.tslibs.nattype import NaTType

NOT_WITHIN_HORIZON = "not within the horizon"
"""How a censored date, or a quantile of dates that falls among censored runs, reads."""


class Kind(StrEnum):
    """What a KPI's values are."""

    DATE = "date"
    """A calendar date (``datetime64``); may be censored at the horizon."""
    COUNT = "count"
    """Units of a system, or months."""
    AMOUNT = "amount"
    """Money, USD."""


class Scope(StrEnum):
    """What a KPI describes; every KPI table has one row per stockpile."""

    STOCKPILE = "stockpile"
    """One holder's stock of one system."""
    LINE = "line"
    """The production lines of the stockpile's system: the same on each of its stockpiles."""
    ACCOUNT = "account"
    """The money of the contracts the holder bought the system with."""


class Censoring(StrEnum):
    """How a KPI behaves when the run ends before its value is known."""

    NONE = "none"
    """Every run has a value."""
    HORIZON = "horizon"
    """A date that may not come within the horizon: ``NaT``, "not within the horizon"."""


@dataclass(frozen=True)
class Outcome:
    """One key result: what it is called, measured in, describes, and how it is computed.

    Attributes
    ----------
    name
        Column name in every KPI table (``recovery_date``).
    unit
        Unit of its values (``"units"``, ``"USD"``, ``"date"``).
    kind
        Date, count or amount.
    scope
        Stockpile, line or account.
    description
        One line, for tables and the report.
    compute
        ``compute(run)`` gives the value for one stockpile of one run, from a
        :class:`capsim.kpis.StockpileRun`; dates as ``numpy.datetime64`` (``NaT`` when
        censored), numbers as ``float`` or ``int``.
    censoring
        How it behaves when the run ends first.
    requires
        A stockpile field (``"objective"``) without which the KPI does not apply: its
        value is then missing, and not censored.
    whole
        Stored as whole numbers.
    echo
        An input shown beside the results (the initial stock, the objective), not an
        outcome to compare.
    """

    name: str
    unit: str
    kind: Kind
    scope: Scope
    description: str
    compute: Callable[[Any], Any]
    censoring: Censoring = Censoring.NONE
    requires: str | None = None
    whole: bool = False
    echo: bool = False

    @property
    def censorable(self) -> bool:
        """Whether a run can end before the value is known."""
        return self.censoring is Censoring.HORIZON

    def applies(self, table: pd.DataFrame) -> pd.Series:
        """Rows of a KPI table the KPI applies to (all, unless it ``requires`` a field)."""
        if self.requires is None:
            return pd.Series(True, index=table.index)
        return table[self.requires].notna()

    def censored(self, table: pd.DataFrame) -> pd.Series:
        """Rows of a KPI table where the value was not reached within the horizon."""
        if not self.censorable:
            return pd.Series(False, index=table.index)
        return table[self.name].isna() & self.applies(table)


def censored_quantile(values: np.ndarray, quantile: float) -> float:
    """A quantile of values where ``inf`` marks a censored run: an observed value, or ``inf``.

    The inverted empirical distribution (Hyndman and Fan's type 1) over all runs, with
    censored runs last: the q-quantile is the ``ceil(q n)``-th smallest value, and
    ``inf`` ("not within the horizon") when that rank falls among the censored runs, so
    the median is censored exactly when more than half the runs are.

    >>> censored_quantile(np.array([3.0, 1.0, np.inf, 2.0]), 0.5)
    2.0
    >>> censored_quantile(np.array([3.0, np.inf, np.inf]), 0.5)
    inf
    """
    ordered = np.sort(np.asarray(values, dtype=float))
    if ordered.size == 0:
        return math.nan
    rank = max(math.ceil(quantile * ordered.size - 1e-9) - 1, 0)
    return float(ordered[rank])


def reached_share(values: np.ndarray, by: float) -> float:
    """Share of runs reached at or before ``by``; ``inf`` marks a censored run.

    >>> reached_share(np.array([1.0, 5.0, np.inf, np.inf]), 5.0)
    0.5
    """
    numbers = np.asarray(values, dtype=float)
    return float((numbers <= by).mean()) if numbers.size else math.nan


def date_numbers(dates: pd.Series) -> np.ndarray:
    """Dates as days since 1970-01-01, ``inf`` where censored (``NaT``)."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    numbers = days.astype("int64").astype(float)
    numbers[np.isnat(days)] = math.inf
    return numbers


def as_date(number: float) -> pd.Timestamp | NaTType:
    """A number of :func:`date_numbers` back as a date (``NaT`` for ``inf``)."""
    if not math.isfinite(number):
        return pd.NaT
    return pd.Timestamp(np.datetime64(int(number), "D"))


def month_count(start: dt.date, date: dt.date) -> int:
    """Months from ``start`` through the month containing ``date``; 0 for ``start`` itself.

    KPI dates are month ends, so this counts whole months.

    >>> month_count(dt.date(2022, 1, 1), dt.date(2022, 3, 31))
    3
    >>> month_count(dt.date(2022, 1, 1), dt.date(2022, 1, 1))
    0
    """
    if date <= start:
        return 0
    return (date.year - start.year) * 12 + date.month - start.month + 1


def month_date(start: dt.date, months: float) -> dt.date | None:
    """The date :func:`month_count` counts: the start for 0, else that month's last day.

    ``None`` for ``inf`` (not within the horizon).

    >>> month_date(dt.date(2022, 1, 1), 3)
    datetime.date(2022, 3, 31)
    """
    if not math.isfinite(months):
        return None
    if months <= 0:
        return start
    first = pd.Timestamp(start) + pd.DateOffset(months=int(months))
    return (first - pd.Timedelta(days=1)).date()


def key_dates(
    start: dt.date, months: int, count: int = 3, after: dt.date | None = None
) -> list[dt.date]:
    """A few dates to state "reached by" for: year ends through the horizon, and its end.

    Up to ``count - 1`` year ends, evenly spread from ``after`` (by default the middle
    of the horizon) to the end, then the horizon's last day.

    >>> key_dates(dt.date(2022, 1, 1), 120)
    [datetime.date(2027, 12, 31), datetime.date(2030, 12, 31), datetime.date(2031, 12, 31)]
    """
    end = (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    middle = after or (pd.Timestamp(start) + pd.DateOffset(months=months // 2)).date()
    years = [dt.date(year, 12, 31) for year in range(middle.year, end.year + 1)]
    years = [day for day in years if middle <= day < end]
    chosen: list[dt.date] = []
    if years and count > 1:
        picks = np.linspace(0, len(years) - 1, min(count - 1, len(years)))
        chosen = sorted({years[round(float(index))] for index in picks})
    return [*chosen, end]


def summarise(
    outcome: Outcome,
    table: pd.DataFrame,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    by: Sequence[dt.date] = (),
) -> dict[str, object]:
    """One KPI of a set of runs (rows of a KPI table of one stockpile) as one summary row.

    Dates: a date (``NaT``: not within the horizon) per quantile (``p5``, ``p50``, ...),
    ``censored_share`` (runs not reaching it within the horizon) and, per date in
    ``by``, the probability of reaching it by that date (``by 2030-12-31``). Rows the
    KPI does not apply to (no objective) are left out; with none left every entry is
    missing. Numbers: ``mean``, ``sd``, ``min``, the quantiles (linear interpolation,
    numpy's default) and ``max``, over the runs that have a value.
    """
    table = table[outcome.applies(table)]
    if outcome.kind is Kind.DATE:
        numbers = date_numbers(table[outcome.name])
        row: dict[str, object] = {
            f"p{q * 100:g}": as_date(censored_quantile(numbers, q)) for q in quantiles
        }
        row["censored_share"] = float(np.isinf(numbers).mean()) if numbers.size else math.nan
        for day in by:
            limit = float(np.datetime64(day, "D").astype("int64"))
            row[f"by {day:%Y-%m-%d}"] = reached_share(numbers, limit)
        return row
    values = table[outcome.name].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        names = ["mean", "sd", "min", *(f"p{q * 100:g}" for q in quantiles), "max"]
        empty: dict[str, object] = dict.fromkeys(names, math.nan)
        return empty
    row = {
        "mean": float(values.mean()),
        "sd": float(values.std(ddof=1)) if values.size > 1 else math.nan,
        "min": float(values.min()),
    }
    for q in quantiles:
        row[f"p{q * 100:g}"] = float(np.quantile(values, q))
    row["max"] = float(values.max())
    return row


def format_value(outcome: Outcome, value: object, start: dt.date | None = None) -> str:
    """One value as text: a month (``2031-11``) or "not within the horizon", or a number.

    With the scenario's ``start``, a "back at a level" date at the start (the stock never
    fell below the level) reads "never below".

    >>> from capsim.kpis import outcome
    >>> format_value(outcome("recovery_date"), pd.NaT)
    'not within the horizon'
    >>> format_value(outcome("recovery_date"), pd.Timestamp("2022-01-01"), dt.date(2022, 1, 1))
    'never below'
    >>> format_value(outcome("unmet_total"), 1234.4)
    '1,234'
    """
    if outcome.kind is Kind.DATE:
        if value is None or pd.isna(value):  # type: ignore[call-overload]
            return NOT_WITHIN_HORIZON if outcome.censorable else "–"
        date = pd.Timestamp(value)  # type: ignore[arg-type]
        if outcome.censorable and start is not None and date.date() <= start:
            return "never below"
        return f"{date:%Y-%m}"
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "–"
    if abs(number) >= 1e6:
        return f"{number / 1e6:,.1f}M"
    if abs(number) >= 100 or number.is_integer():
        return f"{number:,.0f}"
    return f"{number:,.2f}"


__all__ = [
    "NOT_WITHIN_HORIZON",
    "Censoring",
    "Kind",
    "Outcome",
    "Scope",
    "as_date",
    "censored_quantile",
    "date_numbers",
    "format_value",
    "key_dates",
    "month_count",
    "month_date",
    "reached_share",
    "summarise",
]
