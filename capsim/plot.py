"""The central picture: output against demand, and stock against its objective."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.results import Results


def _system_metric(frame: pd.DataFrame, kind: str, system: str, metric: str) -> pd.Series:
    rows = frame[
        (frame["entity_kind"] == kind) & (frame["system"] == system) & (frame["metric"] == metric)
    ]
    return rows.groupby("month")["value"].sum()


def plot_output_vs_demand(results: Results) -> Figure:
    """One column of two panels per system.

    Top: monthly production (bars) and deliveries against demand drawn from all of the
    system's stockpiles. Bottom: each holder's stock with its objective (dashed).
    Contract awards (triangles) and transfers (crosses) are marked on the top panel.
    """
    scenario = results.scenario
    systems = list(scenario.systems)
    figure = Figure(figsize=(7.5 * len(systems), 7.0), layout="constrained")
    axes = figure.subplots(
        2, len(systems), sharex="col", squeeze=False, gridspec_kw={"height_ratios": [1.0, 1.1]}
    )
    frame = results.timeseries
    for column, system in enumerate(systems):
        top, bottom = axes[0, column], axes[1, column]
        name = scenario.systems[system].name or system
        _output_panel(top, results, frame, system)
        top.set_title(f"{name}: output against demand")
        _stock_panel(bottom, results, frame, system)
        bottom.set_title(f"{name}: stock against objective")
        years, year_labels = mdates.YearLocator(), mdates.DateFormatter("%Y")  # type: ignore[no-untyped-call]
        bottom.xaxis.set_major_locator(years)
        bottom.xaxis.set_major_formatter(year_labels)
    figure.suptitle(scenario.scenario.name)
    return figure


def _output_panel(axes: Axes, results: Results, frame: pd.DataFrame, system: str) -> None:
    production = _system_metric(frame, "line", system, "production")
    deliveries = _system_metric(frame, "stockpile", system, "deliveries")
    demand = _system_metric(frame, "stockpile", system, "demand")
    if not production.empty:
        axes.bar(
            production.index,
            production.to_numpy(),
            width=25,
            color="#4c72b0",
            alpha=0.6,
            label="production",
        )
    axes.step(
        deliveries.index, deliveries.to_numpy(), where="post", color="#2a7a2a", label="deliveries"
    )
    axes.step(demand.index, demand.to_numpy(), where="post", color="#c44e52", label="demand")
    events = results.events[results.events["system"] == system]
    ymax = max(
        float(demand.max() if not demand.empty else 0),
        float(production.max() if not production.empty else 0),
        1.0,
    )
    for kind, marker, colour in (("award", "v", "black"), ("transfer", "x", "#c44e52")):
        dates = pd.to_datetime(events[events["kind"] == kind]["date"])
        if len(dates):
            axes.scatter(
                dates,
                [ymax * 1.05] * len(dates),
                marker=marker,
                color=colour,
                label=f"{kind}s",
                zorder=3,
            )
    axes.set_ylabel("units per month")
    axes.set_ylim(bottom=0, top=ymax * 1.15)
    axes.legend(loc="upper right", fontsize="small")
    axes.grid(alpha=0.3)


def _stock_panel(axes: Axes, results: Results, frame: pd.DataFrame, system: str) -> None:
    stock = frame[
        (frame["entity_kind"] == "stockpile")
        & (frame["system"] == system)
        & (frame["metric"] == "stock")
    ]
    colours = matplotlib.colormaps["tab10"]
    for index, (stockpile_id, rows) in enumerate(stock.groupby("entity", sort=False)):
        spec = results.scenario.stockpiles[str(stockpile_id)]
        colour = colours(index % 10)
        axes.step(
            rows["month"], rows["value"], where="post", color=colour, label=f"{spec.holder} stock"
        )
        if spec.objective is not None:
            axes.axhline(
                spec.objective,
                color=colour,
                linestyle="--",
                linewidth=1,
                label=f"{spec.holder} objective",
            )
    axes.set_ylabel("units")
    axes.set_ylim(bottom=0)
    axes.legend(loc="best", fontsize="small")
    axes.grid(alpha=0.3)
