"""The what-if levers change the scenario by path and redraw, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

import capsim
from capsim.figure import CapsimFigure
from capsim.whatif import Lever, WhatIf

STINGER = Path(__file__).resolve().parents[2] / "scenarios" / "stinger_2022_ukraine.yaml"


@pytest.fixture
def what_if() -> WhatIf:
    scenario = capsim.load_scenario(STINGER)
    transfers = tuple(
        f"demands.{key}.quantity"
        for key, demand in scenario.demands.items()
        if demand.kind == "transfer" and demand.from_ == "us_army"
    )
    years = tuple(
        f"budgets.army_missile_procurement.appropriations.fy{year}" for year in range(2026, 2033)
    )
    levers = {
        "capacity": Lever("capacity", ("lines.stinger_tucson.capacity[2].rate",), 20, 200, 100),
        "budget": Lever("budget", years, 0, 400, 100, unit=1e6),
        "transfers": Lever("transfers", transfers, 0, 2, 1, 0.1, relative=True),
    }
    return WhatIf(scenario, levers)


def _army(results: capsim.Results) -> object:
    return results.kpis.set_index("stockpile").loc["us_army_stinger"]


def test_values_by_path(what_if: WhatIf) -> None:
    values = what_if.values(capacity=150, budget=250, transfers=0.5)
    assert values["lines.stinger_tucson.capacity[2].rate"] == 150
    assert values["budgets.army_missile_procurement.appropriations.fy2027"] == 250e6
    assert values["demands.us_transfer_2022_03_16.quantity"] == 400
    unchanged = what_if.values()
    assert unchanged["demands.us_transfer_2022_03_16.quantity"] == 800
    assert unchanged["lines.stinger_tucson.capacity[2].rate"] == 100
    with pytest.raises(TypeError, match="unknown levers"):
        what_if.values(shifts=2)


def test_levers_move_the_result(what_if: WhatIf) -> None:
    base = _army(what_if.run())
    richer = _army(what_if.run(budget=300))
    bigger = _army(what_if.run(transfers=2))
    faster = what_if.run(capacity=200)
    assert richer["recovery_date"] < base["recovery_date"]
    assert bigger["lowest_stock"] < base["lowest_stock"]
    assert _army(faster)["peak_monthly_output"] == 200
    figure = what_if.update(transfers=0.5)
    assert isinstance(figure, CapsimFigure)
    assert _army(what_if.last)["lowest_stock"] > base["lowest_stock"]


def test_sliders_redraw_the_figure(what_if: WhatIf) -> None:
    pytest.importorskip("ipywidgets")
    box = what_if.widgets()
    *sliders, output = box.children
    assert [slider.description for slider in sliders] == ["capacity", "budget", "transfers"]
    first = what_if.last
    sliders[1].value = 300
    assert what_if.last is not first
    assert _army(what_if.last)["recovery_date"] < _army(first)["recovery_date"]
    assert any("image/png" in item.get("data", {}) for item in output.outputs)
