"""The central figure: use without double counting, transfers apart, readable numbers."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import capsim
from capsim.plot import collect, plot_output_vs_demand, rank_by_shortfall

ROOT = Path(__file__).resolve().parents[2]


def test_use_counts_a_transferred_unit_once(tiny: capsim.Results) -> None:
    series = collect(tiny, ["missile"])["missile"]
    frame = tiny.timeseries
    demand = frame[(frame["entity_kind"] == "demand") & (frame["metric"] == "demand")]
    by_entity = demand.groupby("entity", observed=True)["value"].sum()
    assert series.use is not None
    assert series.use.sum() == pytest.approx(by_entity["training"] + by_entity["war"])
    assert list(series.transfers) == ["us_army → ally"]
    assert series.transfers["us_army → ally"].sum() == 400
    # The stockpiles' own "demand" adds the transfer to the recipient's firing: never plotted.
    stockpile_demand = frame[(frame["entity_kind"] == "stockpile") & (frame["metric"] == "demand")]
    assert stockpile_demand["value"].sum() == pytest.approx(series.use.sum() + 400)


def test_panels_and_legend(tiny: capsim.Results) -> None:
    figure = tiny.plot()
    figure.canvas.draw()
    top, transfers, stock = figure.axes
    assert "transfers" in transfers.get_title(loc="left")
    # Stock starts at the initial stock on the start date.
    army = next(line for line in stock.get_lines() if line.get_label() == "us_army stock")
    first_x, first_y = army.get_xydata()[0]
    assert first_y == 1000
    assert pd.Timestamp(np.datetime64(int(first_x), "D")) == pd.Timestamp("2022-01-01")
    labels = {line.get_label() for line in stock.get_lines()}
    assert {"us_army objective", "us_army starting level"} <= labels
    # Production's scale is set by production and use, not by the 400-unit transfer.
    assert top.get_ylim()[1] < 100
    # No axis uses an offset or scientific notation.
    for axes in figure.axes:
        assert axes.yaxis.get_offset_text().get_text() == ""
    # One legend, outside every panel.
    (legend,) = figure.legends
    box = legend.get_window_extent()
    assert all(not box.overlaps(axes.get_window_extent()) for axes in figure.axes)
    assert not any(axes.get_legend() for axes in figure.axes)


def test_large_numbers_have_thousands_separators() -> None:
    results = capsim.simulate(capsim.load_scenario(ROOT / "scenarios/artillery_155mm_us.yaml"))
    figure = results.plot()
    figure.canvas.draw()
    stock = figure.axes[-1]
    labels = [label.get_text() for label in stock.get_yticklabels()]
    assert "1,000,000" in labels
    assert stock.yaxis.get_offset_text().get_text() == ""


def test_systems_can_be_chosen(tiny: capsim.Results) -> None:
    assert len(plot_output_vs_demand(tiny, systems=["missile"]).axes) == 3
    with pytest.raises(ValueError, match="unknown systems"):
        tiny.plot(systems=["tank"])


@pytest.mark.slow
def test_two_hundred_systems_are_summarised(tmp_path: Path) -> None:
    """A 200-system scenario draws the three worst systems, quickly and in little memory."""
    path = tmp_path / "two_hundred.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/make_ten_lines.py"), "--copies", "200",
         "--output", str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    results = capsim.simulate(capsim.load_scenario(path), seed=1)
    results.timeseries  # noqa: B018 - built before timing: the run's own cost
    tracemalloc.start()
    began = time.perf_counter()
    figure = results.plot()
    figure.savefig(tmp_path / "figure.png", dpi=100)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(figure.axes) == 9  # 3 systems × (output, transfers, stock)
    assert "3 of 200 systems" in figure.get_suptitle()
    assert len(rank_by_shortfall(results)) == 200
    assert elapsed < 60
    assert peak < 200e6
    assert (tmp_path / "figure.png").stat().st_size < 1e6
