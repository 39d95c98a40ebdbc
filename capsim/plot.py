"""The central picture: output against use, transfers, and stock against its objective.

Per system, one column of up to three panels:

1. **output against use**: monthly production (bars) and deliveries into stock, against
   *use*, the units that leave the model's stocks for good (training, tests, wartime
   firing, losses). A transferred unit is not use: it moves from one holder to another and
   is counted once, when its new holder fires it (or never, if it is not fired).
2. **transfers** between holders, on their own panel and scale, each month's total
   written on its bar; left out when the system has none.
3. **stock** of each holder, from its initial stock at the start date, with its objective
   (dashed) and its starting level (dotted) where that differs from the objective.

Contract awards are thin vertical lines on the first panel. One legend, below the panels,
covers no data. A scenario with more systems than ``max_systems`` shows those with the
largest shortfall against their objective, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.figure import (
    CapsimFigure,
    compact,
    legend_below,
    new_figure,
    plain_numbers,
    thousands,
    unique_handles,
    year_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.results import Results
    from capsim.scenario.schema import Scenario

MAX_SYSTEMS = 3
"""Systems drawn side by side before the figure shows only those with the largest shortfall."""

MAX_BAR_LABELS = 12
"""Transfer bars labelled with their quantity, at most (the largest ones)."""

USE_KINDS = frozenset({"consumption", "expenditure", "attrition"})
"""Demand kinds whose units leave the model's stocks for good."""

PRODUCTION_COLOUR = "#4c72b0"
DELIVERIES_COLOUR = "#2a7a2a"
USE_COLOUR = "#c44e52"
AWARD_COLOUR = "#555555"
HOLDER_PALETTE = (
    "#222222", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#bcbd22", "#e377c2", "#7f7f7f",
)  # fmt: skip


@dataclass
class SystemSeries:
    """Monthly series of one system, in units per month (flows) or units (stock)."""

    production: np.ndarray | None = None
    deliveries: np.ndarray | None = None
    use: np.ndarray | None = None
    transfers: dict[str, np.ndarray] = field(default_factory=dict)
    """Units moved per month, by ``"from → to"``."""
    stock: dict[str, np.ndarray] = field(default_factory=dict)
    """Month-end stock, by stockpile id."""


def plot_output_vs_demand(
    results: Results, systems: Sequence[str] | None = None, max_systems: int = MAX_SYSTEMS
) -> CapsimFigure:
    """Output against use, transfers, and stock against its objective, one column per system.

    Parameters
    ----------
    results
        One run.
    systems
        System ids to draw, in this order; none means all of them, or, past
        ``max_systems``, those whose stock falls furthest below its objective.
    max_systems
        Most systems drawn when ``systems`` is not given.

    Returns
    -------
    CapsimFigure
        A matplotlib figure that Jupyter displays; save it with ``savefig``.
    """
    scenario = results.scenario
    shown, note = choose_systems(results, systems, max_systems)
    series = collect(results, shown)
    with_transfers = any(series[system].transfers for system in shown)
    heights = [1.0, 0.55, 1.1] if with_transfers else [1.0, 1.1]
    column_width = 5.6 if len(shown) > 1 else 8.0
    margin = 1.0 if len(shown) > 1 else 0.0
    figure = new_figure(column_width * len(shown) + margin, 2.6 * sum(heights) + 1.2)
    grid = figure.subplots(
        len(heights),
        len(shown),
        sharex="col",
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    months = results.months
    start = pd.Timestamp(scenario.scenario.start)
    end = months[-1] + pd.offsets.MonthBegin(1)
    month_ends = months + pd.offsets.MonthBegin(1)
    holders = holder_colours(scenario)
    for column, system in enumerate(shown):
        name = scenario.systems[system].name or system
        data = series[system]
        top = grid[0, column]
        _output_panel(top, data, months, _award_dates(results, system))
        top.set_title(f"{name}: output against use", loc="left", fontsize="medium")
        if with_transfers:
            middle = grid[1, column]
            _transfer_panel(middle, data, months, holders, column_width)
            middle.set_title(f"{name}: transfers between holders", loc="left", fontsize="small")
        bottom = grid[-1, column]
        _stock_panel(bottom, scenario, data, start, month_ends, holders)
        bottom.set_title(f"{name}: stock against objective", loc="left", fontsize="medium")
        year_axis(bottom, start, end)
    title = scenario.scenario.name
    figure.suptitle(f"{title}\n{note}" if note else title, fontsize="large")
    handles, labels = unique_handles(grid.flat)
    order = sorted(range(len(labels)), key=lambda index: _legend_rank(labels[index]))
    legend_below(figure, [handles[i] for i in order], [labels[i] for i in order])
    return figure


def choose_systems(
    results: Results, systems: Sequence[str] | None, max_systems: int
) -> tuple[list[str], str]:
    """The systems to draw, and a note when some are left out."""
    every = list(results.scenario.systems)
    if systems is not None:
        unknown = [system for system in systems if system not in results.scenario.systems]
        if unknown:
            raise ValueError(f"unknown systems {unknown}; known: {', '.join(every)}")
        return list(systems), ""
    if len(every) <= max_systems:
        return every, ""
    ranked = rank_by_shortfall(results)
    shown = ranked[:max_systems]
    note = (
        f"{len(shown)} of {len(every)} systems: those whose stock falls furthest below its "
        "objective (plot(systems=[...]) draws others)"
    )
    return shown, note


def rank_by_shortfall(results: Results) -> list[str]:
    """Systems, worst first: the largest fall of a stock below its objective, as a share.

    A stockpile without an objective is measured against its initial stock. Ties keep the
    scenario's order.
    """
    scenario = results.scenario
    frame = results.timeseries
    stock = frame[(frame["entity_kind"] == "stockpile") & (frame["metric"] == "stock")]
    lowest = stock.groupby("entity", observed=True)["value"].min()
    score: dict[str, float] = dict.fromkeys(scenario.systems, 0.0)
    for stockpile_id, spec in scenario.stockpiles.items():
        reference = spec.objective if spec.objective is not None else spec.initial
        if reference <= 0 or stockpile_id not in lowest.index:
            continue
        low = min(float(lowest[stockpile_id]), float(spec.initial))
        share = max(0.0, (reference - low) / reference)
        score[spec.system] = max(score[spec.system], share)
    order = {system: index for index, system in enumerate(scenario.systems)}
    return sorted(score, key=lambda system: (-score[system], order[system]))


def collect(results: Results, systems: Sequence[str]) -> dict[str, SystemSeries]:
    """Production, deliveries, use, transfers and stock of each system, month by month."""
    scenario = results.scenario
    frame = results.timeseries
    rows = frame[frame["system"].isin(list(systems))]
    out = {system: SystemSeries() for system in systems}
    for (kind, entity, metric), group in rows.groupby(
        ["entity_kind", "entity", "metric"], observed=True, sort=False
    ):
        values = group["value"].to_numpy(dtype=float)
        system = str(group["system"].iloc[0])
        data = out[system]
        if kind == "line" and metric == "production":
            data.production = _add(data.production, values)
        elif kind == "stockpile" and metric == "deliveries":
            data.deliveries = _add(data.deliveries, values)
        elif kind == "stockpile" and metric == "stock":
            data.stock[str(entity)] = values
        elif kind == "demand" and str(entity) in scenario.demands:
            demand = scenario.demands[str(entity)]
            if demand.kind in USE_KINDS and metric == "demand":
                data.use = _add(data.use, values)
            elif demand.kind == "transfer" and metric == "served":
                label = f"{demand.from_} → {demand.to}"
                data.transfers[label] = _add(data.transfers.get(label), values)
    return out


def holder_colours(scenario: Scenario) -> dict[str, str]:
    """One colour per holder, the same in every panel and column, in the scenario's order.

    The colours avoid the blue, green and red of production, deliveries and use.
    """
    holders = list(dict.fromkeys(spec.holder for spec in scenario.stockpiles.values()))
    return {
        holder: HOLDER_PALETTE[index % len(HOLDER_PALETTE)] for index, holder in enumerate(holders)
    }


def _legend_rank(label: str) -> int:
    fixed = ["production", "deliveries into stock", "use:", "contract award", "transfer "]
    return next((rank for rank, start in enumerate(fixed) if label.startswith(start)), len(fixed))


def _add(total: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    return values.copy() if total is None else total + values


def _award_dates(results: Results, system: str) -> pd.Series:
    events = results.events
    chosen = events[(events["system"] == system) & (events["kind"] == "award")]
    return pd.to_datetime(chosen["date"])


def _output_panel(
    axes: Axes, data: SystemSeries, months: pd.DatetimeIndex, awards: pd.Series
) -> None:
    if data.production is not None:
        axes.bar(
            months,
            data.production,
            width=25,
            align="edge",
            color=PRODUCTION_COLOUR,
            alpha=0.55,
            label="production",
        )
    for values, colour, label in (
        (data.deliveries, DELIVERIES_COLOUR, "deliveries into stock"),
        (data.use, USE_COLOUR, "use: fired, trained, lost (not transfers)"),
    ):
        if values is not None:
            axes.step(months, values, where="post", color=colour, lw=1.4, label=label)
    for number, date in enumerate(sorted(set(awards))):
        axes.axvline(
            date,
            color=AWARD_COLOUR,
            lw=0.8,
            ls=(0, (1, 2)),
            zorder=0,
            label="contract award" if number == 0 else "_award",
        )
    axes.set_ylabel("units per month")
    axes.set_ylim(bottom=0)
    plain_numbers(axes)
    axes.grid(alpha=0.3)


def _transfer_panel(
    axes: Axes,
    data: SystemSeries,
    months: pd.DatetimeIndex,
    holders: dict[str, str],
    width: float,
) -> None:
    if not data.transfers:
        axes.text(0.5, 0.5, "no transfers", transform=axes.transAxes, ha="center", va="center")
        axes.set_yticks([])
        return
    bottom = np.zeros(len(months))
    hatches = ["", "//", "..", "xx"]
    for index, (label, values) in enumerate(data.transfers.items()):
        source = label.split(" → ")[0]
        axes.bar(
            months,
            values,
            bottom=bottom,
            width=25,
            align="edge",
            color=holders.get(source, "#7f7f7f"),
            alpha=0.75,
            hatch=hatches[index // len(HOLDER_PALETTE) % len(hatches)],
            label=f"transfer {label}",
        )
        bottom = bottom + values
    # Keep labels apart: a label is about 3.6 points a character; the panel is about
    # 85 % of its column, ``width`` inches.
    label_points = 3.6 * len(compact(float(bottom.max())))
    month_points = 0.85 * 72 * width / max(len(months), 1)
    spacing = max(2, int(np.ceil(label_points / month_points)) + 1)
    for index in _labelled_bars(bottom, spacing):
        axes.annotate(
            compact(bottom[index]),
            (months[index] + pd.Timedelta(days=12), bottom[index]),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize="x-small",
        )
    axes.set_ylim(0, max(float(bottom.max()), 1.0) * 1.35)
    axes.set_ylabel("units per month")
    plain_numbers(axes)
    axes.grid(alpha=0.3)


def _labelled_bars(totals: np.ndarray, spacing: int = 3) -> list[int]:
    """The largest bars, at most MAX_BAR_LABELS, none within ``spacing`` months of another.

    >>> _labelled_bars(np.array([200.0, 1500.0, 400.0, 0.0, 0.0, 100.0]))
    [1, 5]
    """
    chosen: list[int] = []
    for index in np.argsort(-totals, kind="stable"):
        if totals[index] <= 0 or len(chosen) == MAX_BAR_LABELS:
            break
        if all(abs(int(index) - other) >= spacing for other in chosen):
            chosen.append(int(index))
    return chosen


def _stock_panel(
    axes: Axes,
    scenario: Scenario,
    data: SystemSeries,
    start: pd.Timestamp,
    month_ends: pd.DatetimeIndex,
    holders: dict[str, str],
) -> None:
    times = pd.DatetimeIndex(pd.DatetimeIndex([start]).append(month_ends))
    for stockpile_id, values in data.stock.items():
        spec = scenario.stockpiles[stockpile_id]
        colour = holders[spec.holder]
        level = np.concatenate([[float(spec.initial)], values])
        axes.plot(times, level, color=colour, lw=1.6, label=f"{spec.holder} stock")
        axes.plot(times[:1], level[:1], "o", color=colour, ms=4, label="_initial")
        if spec.objective is not None:
            axes.axhline(
                spec.objective, color=colour, ls="--", lw=1.1, label=f"{spec.holder} objective"
            )
            lowest = int(np.argmin(level))
            if level[lowest] < min(spec.objective, spec.initial):
                axes.annotate(
                    f"lowest {thousands(level[lowest])}",
                    (times[lowest], level[lowest]),
                    xytext=(4, -10),
                    textcoords="offset points",
                    fontsize="x-small",
                    color=colour,
                )
        if spec.objective is not None and 0 < spec.initial != spec.objective:
            axes.axhline(
                spec.initial, color=colour, ls=":", lw=1.1, label=f"{spec.holder} starting level"
            )
    axes.set_ylabel("units")
    axes.set_ylim(bottom=0)
    axes.margins(y=0.08)
    plain_numbers(axes)
    axes.grid(alpha=0.3)


__all__ = [
    "MAX_SYSTEMS",
    "SystemSeries",
    "choose_systems",
    "collect",
    "holder_colours",
    "plot_output_vs_demand",
    "rank_by_shortfall",
]
