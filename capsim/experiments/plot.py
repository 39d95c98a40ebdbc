"""Fan charts of an ensemble, and bar charts of sensitivity indices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.experiments.ensemble import Ensemble


def _system_total(ensemble: Ensemble, kind: str, metric: str, system: str) -> np.ndarray | None:
    """Per replication and month, the sum of a metric over a system's entities."""
    chosen = [
        index
        for index, key in enumerate(ensemble.keys)
        if key.entity_kind == kind and key.metric == metric and key.system == system
    ]
    if not chosen:
        return None
    total: np.ndarray = ensemble.values[:, chosen, :].sum(axis=1)
    return total


def _fan(
    axes: Axes, months: pd.DatetimeIndex, values: np.ndarray, colour: str, label: str,
    quantiles: tuple[float, float],
) -> None:  # fmt: skip
    low, median, high = np.quantile(values, [quantiles[0], 0.5, quantiles[1]], axis=0)
    axes.fill_between(months, low, high, step="post", color=colour, alpha=0.25, linewidth=0)
    band = f"{quantiles[0]:.0%}–{quantiles[1]:.0%}"
    axes.step(months, median, where="post", color=colour, label=f"{label} (median, {band})")


def plot_fan(ensemble: Ensemble, quantiles: tuple[float, float] = (0.05, 0.95)) -> Figure:
    """One column of two panels per system, each line a median inside its band.

    Top: production and deliveries against demand. Bottom: each holder's stock against
    its objective (dashed).
    """
    scenario = ensemble.scenario
    systems = list(scenario.systems)
    figure = Figure(figsize=(7.5 * len(systems), 7.0), layout="constrained")
    axes = figure.subplots(2, len(systems), sharex="col", squeeze=False)
    months = ensemble.months
    colours = matplotlib.colormaps["tab10"]
    for column, system in enumerate(systems):
        top, bottom = axes[0, column], axes[1, column]
        name = scenario.systems[system].name or system
        for kind, metric, colour in (
            ("line", "production", "#4c72b0"),
            ("stockpile", "deliveries", "#2a7a2a"),
            ("stockpile", "demand", "#c44e52"),
        ):
            values = _system_total(ensemble, kind, metric, system)
            if values is not None:
                _fan(top, months, values, colour, metric, quantiles)
        top.set_title(f"{name}: output against demand ({len(ensemble)} replications)")
        top.set_ylabel("units per month")
        top.set_ylim(bottom=0)
        top.legend(loc="upper right", fontsize="small")
        top.grid(alpha=0.3)
        stockpiles = [
            (index, key.entity)
            for index, key in enumerate(ensemble.keys)
            if key.entity_kind == "stockpile" and key.metric == "stock" and key.system == system
        ]
        for number, (index, entity) in enumerate(stockpiles):
            spec = scenario.stockpiles[entity]
            colour = matplotlib.colors.to_hex(colours(number % 10))
            _fan(bottom, months, ensemble.values[:, index, :], colour, spec.holder, quantiles)
            if spec.objective is not None:
                bottom.axhline(spec.objective, color=colour, linestyle="--", linewidth=1)
        bottom.set_title(f"{name}: stock against objective (dashed)")
        bottom.set_ylabel("units")
        bottom.set_ylim(bottom=0)
        bottom.legend(loc="best", fontsize="small")
        bottom.grid(alpha=0.3)
        bottom.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    figure.suptitle(scenario.scenario.name)
    return figure


def plot_indices(indices: pd.DataFrame, method: str) -> Figure:
    """Horizontal bars of sensitivity indices, one panel per output, with confidence bars."""
    outputs = list(dict.fromkeys(indices["output"]))
    columns = ["S1", "ST"] if method == "sobol" else ["mu_star"]
    figure = Figure(figsize=(6.5, 1.2 + 0.5 * len(indices)), layout="constrained")
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
                label=column,
            )
        panel.set_yticks(positions + height * (len(columns) - 1) / 2, list(rows["input"]))
        panel.set_title(output)
        panel.grid(alpha=0.3, axis="x")
        panel.legend(loc="lower right", fontsize="small")
    figure.suptitle(f"{method.capitalize()} sensitivity indices")
    return figure


__all__ = ["plot_fan", "plot_indices"]
