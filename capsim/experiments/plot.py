"""Fan charts of an ensemble, and bar charts of sensitivity indices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.figure import (
    CapsimFigure,
    legend_below,
    new_figure,
    plain_numbers,
    unique_handles,
    year_axis,
)
from capsim.plot import (
    DELIVERIES_COLOUR,
    MAX_SYSTEMS,
    PRODUCTION_COLOUR,
    USE_COLOUR,
    USE_KINDS,
    holder_colours,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.experiments.ensemble import Ensemble


def _summed(ensemble: Ensemble, chosen: list[int]) -> np.ndarray | None:
    """Per replication and month, the sum of the chosen series."""
    if not chosen:
        return None
    total: np.ndarray = ensemble.values[:, chosen, :].sum(axis=1)
    return total


def _flows(ensemble: Ensemble, system: str) -> dict[str, list[int]]:
    """Indices of the series summed into production, deliveries and use for one system."""
    demands = ensemble.scenario.demands
    chosen: dict[str, list[int]] = {"production": [], "deliveries": [], "use": []}
    for index, key in enumerate(ensemble.keys):
        if key.system != system:
            continue
        if key.entity_kind == "line" and key.metric == "production":
            chosen["production"].append(index)
        elif key.entity_kind == "stockpile" and key.metric == "deliveries":
            chosen["deliveries"].append(index)
        elif (
            key.entity_kind == "demand"
            and key.metric == "demand"
            and key.entity in demands
            and demands[key.entity].kind in USE_KINDS
        ):
            chosen["use"].append(index)
    return chosen


def _fan(
    axes: Axes, times: pd.DatetimeIndex, values: np.ndarray, colour: str, label: str,
    quantiles: tuple[float, float], step: bool = True,
) -> None:  # fmt: skip
    low, median, high = np.quantile(values, [quantiles[0], 0.5, quantiles[1]], axis=0)
    if step:
        axes.fill_between(times, low, high, step="post", color=colour, alpha=0.25, linewidth=0)
        axes.step(times, median, where="post", color=colour, label=label)
    else:
        axes.fill_between(times, low, high, color=colour, alpha=0.25, linewidth=0)
        axes.plot(times, median, color=colour, label=label)


def _ranked_systems(ensemble: Ensemble) -> list[str]:
    """Systems, worst first: the median lowest stock's fall below the objective, as a share."""
    scenario = ensemble.scenario
    score = dict.fromkeys(scenario.systems, 0.0)
    for index, key in enumerate(ensemble.keys):
        if key.entity_kind != "stockpile" or key.metric != "stock":
            continue
        spec = scenario.stockpiles[key.entity]
        reference = spec.objective if spec.objective is not None else spec.initial
        if reference > 0:
            lowest = float(np.median(ensemble.values[:, index, :].min(axis=1)))
            share = max(0.0, (reference - min(lowest, spec.initial)) / reference)
            score[spec.system] = max(score[spec.system], share)
    order = {system: number for number, system in enumerate(scenario.systems)}
    return sorted(score, key=lambda system: (-score[system], order[system]))


def plot_fan(
    ensemble: Ensemble,
    quantiles: tuple[float, float] = (0.05, 0.95),
    systems: Sequence[str] | None = None,
    max_systems: int = MAX_SYSTEMS,
) -> CapsimFigure:
    """One column of two panels per system, each line a median inside its band.

    Top: production and deliveries against use (units fired, trained with or lost;
    transfers between holders are left out, as in :meth:`Results.plot`). Bottom: each
    holder's stock from its initial level, with its objective (dashed). Past
    ``max_systems`` systems, those whose median lowest stock falls furthest below the
    objective are drawn, and the title says so.
    """
    scenario = ensemble.scenario
    every = list(scenario.systems)
    note = ""
    if systems is None:
        systems = every if len(every) <= max_systems else _ranked_systems(ensemble)[:max_systems]
        if len(systems) < len(every):
            note = f"{len(systems)} of {len(every)} systems: those whose stock falls furthest"
            note += " below its objective"
    shown = list(systems)
    figure = new_figure(5.6 * len(shown) + 1.0 if len(shown) > 1 else 8.0, 7.4)
    axes = figure.subplots(2, len(shown), sharex="col", squeeze=False)
    months = ensemble.months
    start = pd.Timestamp(scenario.scenario.start)
    end = months[-1] + pd.offsets.MonthBegin(1)
    times = pd.DatetimeIndex(pd.DatetimeIndex([start]).append(months + pd.offsets.MonthBegin(1)))
    holders = holder_colours(scenario)
    labels = {
        "production": ("production", PRODUCTION_COLOUR),
        "deliveries": ("deliveries into stock", DELIVERIES_COLOUR),
        "use": ("use: fired, trained, lost", USE_COLOUR),
    }
    for column, system in enumerate(shown):
        top, bottom = axes[0, column], axes[1, column]
        name = scenario.systems[system].name or system
        for flow, chosen in _flows(ensemble, system).items():
            values = _summed(ensemble, chosen)
            if values is not None:
                _fan(top, months, values, labels[flow][1], labels[flow][0], quantiles)
        top.set_title(
            f"{name}: output against use",
            loc="left",
            fontsize="medium",
        )
        top.set_ylabel("units per month")
        top.set_ylim(bottom=0)
        plain_numbers(top)
        top.grid(alpha=0.3)
        for index, key in enumerate(ensemble.keys):
            if key.entity_kind != "stockpile" or key.metric != "stock" or key.system != system:
                continue
            spec = scenario.stockpiles[key.entity]
            colour = holders[spec.holder]
            runs = ensemble.values[:, index, :]
            level = np.concatenate([np.full((runs.shape[0], 1), float(spec.initial)), runs], 1)
            _fan(bottom, times, level, colour, f"{spec.holder} stock", quantiles, step=False)
            if spec.objective is not None:
                bottom.axhline(
                    spec.objective, color=colour, ls="--", lw=1.1, label=f"{spec.holder} objective"
                )
        bottom.set_title(f"{name}: stock against objective", loc="left", fontsize="medium")
        bottom.set_ylabel("units")
        bottom.set_ylim(bottom=0)
        plain_numbers(bottom)
        bottom.grid(alpha=0.3)
        year_axis(bottom, start, end)
    band = f"{quantiles[0]:.0%}–{quantiles[1]:.0%}"
    title = f"{scenario.scenario.name}: medians in {band} bands of {len(ensemble)} replications"
    figure.suptitle(f"{title}\n{note}" if note else title)
    legend_below(figure, *unique_handles(axes.flat))
    return figure


INDEX_LABELS = {
    "S1": "S1: share of the variance the input explains alone",
    "ST": "ST: share it explains with its interactions",
    "mu_star": "μ*: mean absolute effect of one step of the input",
}


def plot_indices(indices: pd.DataFrame, method: str) -> CapsimFigure:
    """Horizontal bars of sensitivity indices, one panel per output, with confidence bars.

    Sobol: S1 and ST, shares of the output's variance (0 to 1). Morris: μ*, in the
    output's own unit. The legend sits below the panels.
    """
    outputs = list(dict.fromkeys(indices["output"]))
    columns = ["S1", "ST"] if method == "sobol" else ["mu_star"]
    figure = new_figure(7.0, 1.6 + 0.5 * len(indices))
    axes = figure.subplots(len(outputs), 1, squeeze=False)[:, 0]
    for panel, output in zip(axes, outputs, strict=True):
        rows = indices[indices["output"] == output]
        positions = np.arange(len(rows))
        height = 0.8 / len(columns)
        for offset, column in enumerate(columns):
            panel.barh(
                positions + offset * height,
                rows[column].to_numpy(dtype=float),
                height=height,
                xerr=rows[f"{column}_conf"].to_numpy(dtype=float),
                color=("#4c72b0", "#dd8452")[offset],
                label=INDEX_LABELS[column],
            )
        panel.set_yticks(positions + height * (len(columns) - 1) / 2, list(rows["input"]))
        panel.invert_yaxis()
        panel.set_title(output, loc="left", fontsize="medium")
        panel.grid(alpha=0.3, axis="x")
        plain_numbers(panel, "x")
    figure.suptitle(f"{method.capitalize()} sensitivity indices (bars: 95 % confidence)")
    handles, labels = unique_handles(axes)
    if handles:
        figure.legend(handles, labels, loc="outside lower center", ncols=1, fontsize="small")
    return figure


__all__ = ["INDEX_LABELS", "plot_fan", "plot_indices"]
