"""Figures of a comparison: scenarios overlaid, one colour each, and KPI differences."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.comparison.comparison import Comparison

PANEL_HEIGHT = 2.6
"""Height of one panel, in inches."""


def scenario_colours(names: list[str]) -> dict[str, str]:
    """One colour per scenario, by position (baseline first), the same in every figure.

    >>> scenario_colours(["base", "variant"])
    {'base': '#1f77b4', 'variant': '#ff7f0e'}
    """
    palette = matplotlib.colormaps["tab10"]
    return {name: matplotlib.colors.to_hex(palette(index % 10)) for index, name in enumerate(names)}


def plot_comparison(comparison: Comparison) -> Figure:
    """Per system: output against demand, then each stockpile's stock against its objective.

    Lines are medians across replications; shaded bands span 5–95 % when there are
    replications. Production is solid and demand dashed; objectives are dotted.
    """
    bands = comparison.bands
    colours = scenario_colours(comparison.names)
    panels: list[tuple[str, str, str]] = []
    for system in _ordered(bands.loc[bands["kind"].isin(["production", "demand"]), "entity"]):
        panels.append(("output", system, f"{system}: output against demand"))
        for entry in comparison.entries:
            for stockpile_id, stockpile in entry.scenario.stockpiles.items():
                title = f"{stockpile.holder} {system}: stock against objective"
                if stockpile.system == system and ("stock", stockpile_id, title) not in panels:
                    panels.append(("stock", stockpile_id, title))
    figure = Figure(figsize=(9.0, PANEL_HEIGHT * len(panels) + 0.6), layout="constrained")
    axes_list = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for axes, (kind, entity, title) in zip(axes_list, panels, strict=True):
        if kind == "output":
            for name in comparison.names:
                _band(axes, bands, name, "production", entity, colours[name], "-")
                _band(axes, bands, name, "demand", entity, colours[name], "--")
            axes.set_ylabel("units per month")
        else:
            for entry in comparison.entries:
                _band(axes, bands, entry.label, "stock", entity, colours[entry.label], "-")
                spec = entry.scenario.stockpiles.get(entity)
                if spec is not None and spec.objective is not None:
                    axes.axhline(spec.objective, color=colours[entry.label], linestyle=":", lw=1.2)
            axes.set_ylabel("units")
        axes.set_title(title, fontsize="medium", loc="left")
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
    axes_list[-1].xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
    axes_list[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    handles = [Line2D([], [], color=colours[name], lw=2, label=name) for name in comparison.names]
    handles += [
        Line2D([], [], color="grey", linestyle="-", label="production / stock"),
        Line2D([], [], color="grey", linestyle="--", label="demand"),
        Line2D([], [], color="grey", linestyle=":", label="objective"),
    ]
    figure.legend(handles=handles, loc="outside upper center", ncols=4, fontsize="small")
    return figure


def plot_differences(comparison: Comparison) -> Figure:
    """Per KPI, each variant's mean difference against the baseline with its 95 % interval.

    KPIs whose difference is zero for every variant are left out (the table lists them).
    """
    table = comparison.table
    variants = table[table["scenario"] != comparison.baseline]
    colours = scenario_colours(comparison.names)
    shown = [
        key
        for key, rows in variants.groupby(["stockpile", "kpi"], sort=False)
        if (rows["difference"].fillna(0) != 0).any()
        or (rows["difference_low"].fillna(0) != 0).any()
    ]
    columns = 3
    count = max(len(shown), 1)
    rows_of_panels = math.ceil(count / columns)
    figure = Figure(
        figsize=(10.0, 1.2 + 0.45 * len(comparison.names) * rows_of_panels + 0.8 * rows_of_panels),
        layout="constrained",
    )
    axes_grid = figure.subplots(rows_of_panels, columns, squeeze=False)
    for axes in axes_grid.flat[count:]:
        axes.set_visible(False)
    if not shown:
        axes = axes_grid[0, 0]
        axes.text(0.5, 0.5, "no KPI differs from the baseline", ha="center", va="center")
        axes.set_axis_off()
        return figure
    names = comparison.names[1:]
    for axes, (stockpile, kpi) in zip(axes_grid.flat, shown, strict=False):
        rows = variants[(variants["stockpile"] == stockpile) & (variants["kpi"] == kpi)]
        for position, name in enumerate(names):
            row = rows[rows["scenario"] == name]
            if row.empty:
                continue
            mean = float(row["difference"].iloc[0])
            low, high = float(row["difference_low"].iloc[0]), float(row["difference_high"].iloc[0])
            error = None if np.isnan(low) else [[mean - low], [high - mean]]
            axes.errorbar([mean], [position], xerr=error, fmt="o", color=colours[name], capsize=3)
        axes.axvline(0, color="grey", lw=1)
        axes.set_yticks(range(len(names)), names, fontsize="small")
        axes.set_ylim(-0.6, len(names) - 0.4)
        axes.invert_yaxis()
        unit = str(rows["unit"].iloc[0]) if not rows.empty else ""
        axes.set_title(f"{stockpile}\n{kpi} ({unit})", fontsize="small", loc="left")
        axes.tick_params(axis="x", labelsize="small")
        axes.grid(alpha=0.3, axis="x")
    figure.suptitle(f"Difference against {comparison.baseline} (mean, paired 95 % interval)")
    return figure


def _band(
    axes: Axes, bands: pd.DataFrame, scenario: str, kind: str, entity: str, colour: str, style: str
) -> None:
    rows = bands[
        (bands["scenario"] == scenario) & (bands["kind"] == kind) & (bands["entity"] == entity)
    ]
    if rows.empty:
        return
    axes.step(rows["month"], rows["median"], where="post", color=colour, linestyle=style, lw=1.4)
    if rows["p05"].notna().any():
        axes.fill_between(
            rows["month"], rows["p05"], rows["p95"], step="post", color=colour, alpha=0.15, lw=0
        )


def _ordered(values: pd.Series) -> list[str]:
    return list(dict.fromkeys(str(value) for value in values))


__all__ = ["plot_comparison", "plot_differences", "scenario_colours"]
