"""The report's answer: when each scenario's stock is back at its objective, ranked.

One row per scenario: the median date, the chance of being back by a few dates and by
the end of the horizon, the paired difference from the baseline in words with its
interval, and a flag where runs hit the horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from capsim.comparison import markup
from capsim.comparison.figures import scenario_colours
from capsim.outcomes import NOT_WITHIN_HORIZON, key_dates, month_date

if TYPE_CHECKING:
    from capsim.comparison.comparison import Comparison


def headline_kpi(comparison: Comparison) -> tuple[str, list[str]]:
    """The date KPI the report answers with, and the stockpiles it is about.

    The date the stock is back at its objective, for every stockpile with an objective;
    without any, the date it is back at its initial level, for stockpiles that fell.
    """
    table = comparison.table
    for kpi in ("objective_date", "recovery_date"):
        rows = table[table["kpi"] == kpi]
        if kpi == "recovery_date":
            rows = rows[rows["median"] > 0]
        stockpiles = list(dict.fromkeys(str(name) for name in rows["stockpile"]))
        if stockpiles:
            return kpi, stockpiles
    return "objective_date", []


def difference_words(row: pd.Series) -> str:
    """A paired difference in months, in words: "12 months earlier (95 % interval 9–15)".

    >>> difference_words(pd.Series({"difference": -12.2, "difference_low": -15.0,
    ...                             "difference_high": -9.0, "bounded": False}))
    '12 months earlier (95 % interval 9–15)'
    """
    mean, low, high = (
        float(row[key]) for key in ("difference", "difference_low", "difference_high")
    )
    if math.isnan(mean):
        return "–"
    if abs(mean) < 0.05 and (math.isnan(low) or (low == 0 and high == 0)):
        return "the same in every run"
    direction = "earlier" if mean < 0 else "later"
    text = f"{_months(abs(mean))} {direction}"
    if math.isnan(low):
        text += " (one replication: no interval)"
    elif low < 0 < high:
        text += f" (95 % interval {_amount(-low)} earlier to {_amount(high)} later)"
    else:
        first, second = sorted((abs(low), abs(high)))
        text += f" (95 % interval {_amount(first)}–{_amount(second)})"
    if row.get("bounded"):
        text += "; a bound, as runs hit the horizon"
    return text


def _months(value: float) -> str:
    amount = _amount(value)
    return f"{amount} month" if amount == "1" else f"{amount} months"


def _amount(value: float) -> str:
    return f"{value:.0f}" if value >= 9.5 else f"{value:.1f}".removesuffix(".0")


def answer_section(comparison: Comparison) -> list[str]:
    """The report's first section, as HTML pieces: one ranked table per stockpile."""
    kpi, stockpiles = headline_kpi(comparison)
    if not stockpiles:
        return [
            "<h2>Answer</h2>",
            "<p>No stockpile has an objective or falls below its initial level: there is no "
            "date of recovery to compare.</p>",
        ]
    level = "its objective" if kpi == "objective_date" else "its initial level"
    parts = ["<h2>Answer</h2>"]
    for stockpile in stockpiles:
        dates = _answer_dates(comparison, kpi, stockpile)
        parts.append(f"<h3>When is {markup.name(stockpile)} back at {level}?</h3>")
        parts.append(_answer_table(comparison, kpi, stockpile, dates))
    parts.append(
        '<p class="note">Scenarios ranked by the median date. A run counts as back by a date '
        "when the stock is at that level at the end of that month (or never fell below it). "
        f"A median that falls among runs not back by the end reads “{NOT_WITHIN_HORIZON}”. "
        "The difference is the mean over paired replications of the variant's months minus "
        "the baseline's, with its 95 % Student-t interval; where runs hit the horizon they "
        "count as the horizon, so the difference is a bound.</p>"
    )
    return parts


def _answer_dates(comparison: Comparison, kpi: str, stockpile: str) -> list[dt.date]:
    """Two year ends from the earliest 5 % date of any scenario on, and the horizon's end."""
    header = comparison.entries[0].scenario.scenario
    table = comparison.table
    rows = table[(table["kpi"] == kpi) & (table["stockpile"] == stockpile)]
    earliest = pd.concat([rows["p05"], rows["median"]]).replace(math.inf, math.nan).min()
    if pd.isna(earliest):
        return key_dates(header.start, header.months)
    first = month_date(header.start, float(earliest)) or header.start
    return key_dates(header.start, header.months, after=first)


def _answer_table(comparison: Comparison, kpi: str, stockpile: str, dates: list[dt.date]) -> str:
    table = comparison.table
    rows = table[(table["kpi"] == kpi) & (table["stockpile"] == stockpile)].copy()
    reached = comparison.reached(kpi, dates).loc[stockpile]
    rows["order"] = [
        (float(median), -float(reached.loc[name].iloc[-1]))
        for median, name in zip(rows["median"], rows["scenario"], strict=True)
    ]
    rows = rows.sort_values("order", kind="stable")
    colours = scenario_colours(comparison.names)
    end = dates[-1]
    labels = [
        "#",
        "scenario",
        "median date back",
        *(f"chance back by {'the end, ' if day == end else ''}{day:%Y-%m}" for day in dates),
        "against the baseline",
        "runs at the horizon",
    ]
    body = []
    for rank, (_, row) in enumerate(rows.iterrows(), start=1):
        name = str(row["scenario"])
        median = month_date(comparison.start, float(row["median"]))
        censored = float(row["censored_share"])
        runs = int(row["replications"])
        flag = (
            f'<span class="flag">⚑ {round(censored * runs)} of {runs} not back by the end</span>'
            if censored > 0
            else "none"
        )
        when = NOT_WITHIN_HORIZON if median is None else f"{median:%Y-%m}"
        if median is not None and float(row["median"]) <= 0:
            when = "never below"
        against = "baseline" if name == comparison.baseline else difference_words(row)
        body.append(
            [
                ("rank", str(rank)),
                (
                    "",
                    f'<span class="swatch" style="background:{colours[name]}"></span>'
                    + markup.name(name),
                ),
                ("", when),
                *(("num", f"{chance:.0%}") for chance in reached.loc[name].to_numpy(dtype=float)),
                ("", markup.text(against)),
                ("", flag),
            ]
        )
    return markup.table(labels, body, f"answer-{stockpile}", "answer stack")


__all__ = ["answer_section", "difference_words", "headline_kpi"]
