"""Comparison overlays keep the baseline visible; fan charts follow the central figure."""

from __future__ import annotations

from pathlib import Path

import capsim
from capsim.comparison.figures import scenario_colours


def test_baseline_is_drawn_last_dashed_and_on_top(tiny_file: Path) -> None:
    variant = tiny_file.with_name("variant.yaml")
    variant.write_text("extends: base.yaml\nscenario: {name: variant}\n")
    comparison = capsim.compare([tiny_file, variant], replications=3)
    figure = comparison.plot()
    baseline = scenario_colours(comparison.names)[comparison.baseline]
    titles = [axes.get_title(loc="left") for axes in figure.axes]
    # Production, and the stock with an objective; the ally's stock has none and is left out.
    assert titles == ["missile: production", "us_army missile: stock against objective"]
    for axes in figure.axes:
        lines = [line for line in axes.get_lines() if len(line.get_xdata()) > 2]
        top = max(lines, key=lambda line: line.get_zorder())
        assert top.get_color() == baseline
        assert top.get_linestyle() == "--"
    assert not any(axes.get_legend() for axes in figure.axes)


def test_fan_chart_uses_use_and_starts_stock_at_its_initial_level(tiny_file: Path) -> None:
    scenario = capsim.load_scenario(tiny_file)
    figure = capsim.replicate(scenario, 3, seed=1, progress=False).plot()
    top, stock = figure.axes
    labels = [line.get_label() for line in top.get_lines()]
    assert "use: fired, trained, lost" in labels
    army = next(line for line in stock.get_lines() if line.get_label() == "us_army stock")
    assert army.get_ydata()[0] == 1000
    assert top.get_ylim()[1] < 100  # the 400-unit transfer does not set the scale
