"""Sobol and Morris indices on a tiny model whose answer is known."""

from __future__ import annotations

import pytest

import capsim
from tests.experiments.scenarios import scenario

UNCERTAIN = {
    "uncertain": {
        "stockpiles.depot.initial": {"distribution": "uniform", "low": 100, "high": 300},
        "demands.use.priority": {"distribution": "choice", "values": [1, 9]},
    },
    "scenario": {"horizon_months": 6},
    "policies": {"base_stock": {"reorder_point": 0, "order_up_to": 0}},
}


def test_sobol_and_morris_find_the_input_that_matters() -> None:
    pytest.importorskip("SALib", reason="SALib not installed (capsim[sensitivity])")
    model = scenario(UNCERTAIN)
    sobol = capsim.sensitivity(
        model,
        "sobol",
        outputs=["lowest_stock"],
        n=32,
        executor=capsim.SerialExecutor(),
        progress=False,
    )
    table = sobol.indices.set_index("input")
    # Lowest stock = initial - demand: the initial stock drives it, the priority of the
    # only demand does nothing.
    assert table.loc["stockpiles.depot.initial", "ST"] > 0.9
    assert abs(table.loc["demands.use.priority", "ST"]) < 0.05
    morris = capsim.sensitivity(
        model,
        "morris",
        outputs=["lowest_stock"],
        n=8,
        executor=capsim.SerialExecutor(),
        progress=False,
    )
    stars = morris.indices.set_index("input")["mu_star"]
    assert stars["stockpiles.depot.initial"] > 10 * stars["demands.use.priority"]
    assert len(sobol.plot().axes) == 1


def test_without_uncertain_inputs_or_salib_the_error_is_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("SALib", reason="SALib not installed (capsim[sensitivity])")
    with pytest.raises(ValueError, match="no uncertain inputs"):
        capsim.sensitivity(scenario(), progress=False)
    monkeypatch.setitem(__import__("sys").modules, "SALib.analyze", None)
    with pytest.raises(ImportError, match=r"pip install 'capsim\[sensitivity\]'"):
        capsim.sensitivity(scenario(UNCERTAIN), progress=False)


def test_seed_is_the_runs_root_seed_and_design_seed_draws_the_points() -> None:
    pytest.importorskip("SALib", reason="SALib not installed (capsim[sensitivity])")
    model = scenario(UNCERTAIN)
    options = {"n": 4, "executor": capsim.SerialExecutor(), "progress": False}
    base = capsim.sensitivity(model, "morris", **options)
    assert base.experiment.design.seed == model.scenario.seed
    reseeded = capsim.sensitivity(model, "morris", seed=3, **options)
    assert reseeded.experiment.design.seed == 3
    assert reseeded.experiment.design.points == base.experiment.design.points
    redrawn = capsim.sensitivity(model, "morris", design_seed=3, **options)
    assert redrawn.experiment.design.seed == model.scenario.seed
    assert redrawn.experiment.design.points != base.experiment.design.points
