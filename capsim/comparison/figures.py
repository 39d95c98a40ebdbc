"""Figures of a comparison: scenarios overlaid, one colour each, and KPI differences."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from capsim.figure import CapsimFigure, compact_numbers, new_figure, plain_numbers, year_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.comparison.comparison import Comparison

PANEL_HEIGHT = 2.6
"""Height of one panel, in inches."""

MAX_PANELS = 6
"""Panels drawn at most; past it the figure keeps the stockpiles that fall furthest."""


def scenario_colours(names: list[str]) -> dict[str, str]:
    """One colour per scenario, by position (baseline first), the same in every figure.

    >>> scenario_colours(["base", "variant"])
    {'base': '#1f77b4', 'variant': '#ff7f0e'}
    """
    palette = matplotlib.colormaps["tab10"]
    return {name: matplotlib.colors.to_hex(palette(index % 10)) for index, name in enumerate(names)}


def comparison_panels(comparison: Comparison) -> tuple[list[tuple[str, str, str]], str]:
    """The panels worth drawing, as (kind, entity, title), and a note on what was left out.

    Per system, production; then the stock of each stockpile that has an objective, or,
    when none has one, of each stockpile whose median stock differs between scenarios.
    Past :data:`MAX_PANELS`, the stockpiles whose median stock falls furthest below
    their objective (or initial level) are kept.
    """
    bands = comparison.bands
    entries = comparison.entries
    stockpiles: dict[str, tuple[str, str, float]] = {}
    for entry in entries:
        for stockpile_id, spec in entry.scenario.stockpiles.items():
            reference = spec.objective if spec.objective is not None else spec.initial
            title = f"{spec.holder} {spec.system}: stock against objective"
            if spec.objective is not None or stockpile_id not in stockpiles:
                stockpiles[stockpile_id] = (spec.system, title, float(reference))
    with_objective = {
        stockpile_id
        for entry in entries
        for stockpile_id, spec in entry.scenario.stockpiles.items()
        if spec.objective is not None
    }
    stock = bands[bands["kind"] == "stock"]
    if with_objective:
        chosen = [stockpile_id for stockpile_id in stockpiles if stockpile_id in with_objective]
    else:
        spread = stock.groupby(["entity", "month"])["median"].agg(lambda v: v.max() - v.min())
        differs = spread.groupby(level="entity").max()
        chosen = [s for s in stockpiles if float(differs.get(s, 0.0)) > 0] or list(stockpiles)
    lowest = stock.groupby("entity")["median"].min()
    shortfall = {
        stockpile_id: (stockpiles[stockpile_id][2] - float(lowest.get(stockpile_id, 0.0)))
        / max(stockpiles[stockpile_id][2], 1.0)
        for stockpile_id in chosen
    }
    systems = _ordered(bands.loc[bands["kind"] == "production", "entity"])
    note = ""
    if len(systems) + len(chosen) > MAX_PANELS:
        kept = sorted(chosen, key=lambda s: -shortfall[s])[: max(MAX_PANELS // 2, 1)]
        systems = [s for s in systems if any(stockpiles[k][0] == s for k in kept)]
        note = f"{len(kept)} of {len(chosen)} stockpiles: those that fall furthest"
        chosen = [s for s in chosen if s in kept]
    panels: list[tuple[str, str, str]] = []
    for system in systems:
        panels.append(("output", system, f"{system}: production"))
        panels.extend(("stock", s, stockpiles[s][1]) for s in chosen if stockpiles[s][0] == system)
    return panels, note


def plot_comparison(comparison: Comparison) -> CapsimFigure:
    """Per system, production; then each stockpile's stock against its objective.

    Lines are medians across replications; shaded bands span 5–95 % when there are
    replications. Variants are solid; the baseline is drawn last, on top, dashed and
    thicker, so it stays visible where a variant follows it. Objectives are dotted.
    Demand is left out: it is the same in most comparisons, and :meth:`Results.plot`
    shows it for one scenario.
    """
    bands = comparison.bands
    colours = scenario_colours(comparison.names)
    panels, note = comparison_panels(comparison)
    figure = new_figure(9.0, PANEL_HEIGHT * len(panels) + 1.0)
    axes_list = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    order = [*comparison.names[1:], comparison.baseline]  # baseline last: on top
    starts = {
        entry.label: pd.Timestamp(entry.scenario.scenario.start) for entry in comparison.entries
    }
    for axes, (kind, entity, title) in zip(axes_list, panels, strict=True):
        for name in order:
            baseline = name == comparison.baseline
            if kind == "output":
                _band(axes, bands, name, "production", entity, colours[name], baseline)
            else:
                entry = next(item for item in comparison.entries if item.label == name)
                spec = entry.scenario.stockpiles.get(entity)
                initial = None if spec is None else (starts[name], float(spec.initial))
                _band(axes, bands, name, "stock", entity, colours[name], baseline, initial)
                if spec is not None and spec.objective is not None:
                    axes.axhline(spec.objective, color=colours[name], ls=":", lw=1.2, zorder=1)
        axes.set_ylabel("units per month" if kind == "output" else "units")
        axes.set_title(title, fontsize="medium", loc="left")
        axes.set_ylim(bottom=0)
        plain_numbers(axes)
        axes.grid(alpha=0.3)
    months = bands["month"]
    year_axis(
        axes_list[-1], min(starts.values()), pd.Timestamp(months.max()) + pd.offsets.MonthBegin(1)
    )
    handles = [
        Line2D(
            [], [], color=colours[name], lw=2.2 if name == comparison.baseline else 1.6,
            ls="--" if name == comparison.baseline else "-",
            label=f"{name} (baseline)" if name == comparison.baseline else name,
        )
        for name in comparison.names
    ]  # fmt: skip
    handles.append(Line2D([], [], color="grey", linestyle=":", label="objective"))
    figure.legend(handles=handles, loc="outside upper center", ncols=3, fontsize="small")
    if note:
        figure.text(0.5, 0.0, note, ha="center", va="bottom", fontsize="small")
    return figure


def plot_differences(comparison: Comparison) -> CapsimFigure:
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
    figure = new_figure(
        10.0, 1.2 + 0.45 * len(comparison.names) * rows_of_panels + 0.8 * rows_of_panels
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
        compact_numbers(axes, "x")
        axes.grid(alpha=0.3, axis="x")
    figure.suptitle(f"Difference against {comparison.baseline} (mean, paired 95 % interval)")
    return figure


def _band(
    axes: Axes,
    bands: pd.DataFrame,
    scenario: str,
    kind: str,
    entity: str,
    colour: str,
    baseline: bool,
    initial: tuple[pd.Timestamp, float] | None = None,
) -> None:
    """A median line in its band; stock starts from its initial level at the start date."""
    rows = bands[
        (bands["scenario"] == scenario) & (bands["kind"] == kind) & (bands["entity"] == entity)
    ]
    if rows.empty:
        return
    style: dict[str, Any] = (
        {"ls": "--", "lw": 2.2, "zorder": 4} if baseline else {"ls": "-", "lw": 1.5}
    )
    if initial is None:
        months = pd.DatetimeIndex(rows["month"])
        axes.step(months, rows["median"], where="post", color=colour, **style)
        if rows["p05"].notna().any():
            axes.fill_between(
                months, rows["p05"], rows["p95"], step="post", color=colour, alpha=0.12, lw=0
            )
        return
    times = pd.DatetimeIndex(
        pd.DatetimeIndex([initial[0]]).append(
            pd.DatetimeIndex(rows["month"]) + pd.offsets.MonthBegin(1)
        )
    )
    level = np.concatenate([[initial[1]], rows["median"].to_numpy(dtype=float)])
    axes.plot(times, level, color=colour, **style)
    if rows["p05"].notna().any():
        low = np.concatenate([[initial[1]], rows["p05"].to_numpy(dtype=float)])
        high = np.concatenate([[initial[1]], rows["p95"].to_numpy(dtype=float)])
        axes.fill_between(times, low, high, color=colour, alpha=0.12, lw=0)


def _ordered(values: pd.Series) -> list[str]:
    return list(dict.fromkeys(str(value) for value in values))


__all__ = ["comparison_panels", "plot_comparison", "plot_differences", "scenario_colours"]
