"""Sweeps: designs as plain data, checked before running; stored, interrupted and resumed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pytest

import capsim
from capsim.experiments import Sampler, load_experiment, replication
from capsim.experiments.store import StoreMismatchError
from tests.experiments.scenarios import scenario

T = TypeVar("T")
R = TypeVar("R")
GRID = {"stockpiles.depot.initial": [10, 40], "lines.plant.capacity": [8, 12]}


def test_full_grid_runs_every_point_with_common_random_numbers() -> None:
    sweep = capsim.Sweep(scenario(), GRID, replications=3)
    assert len(sweep.points) == 4
    result = capsim.run_experiment(sweep, executor=capsim.SerialExecutor(), progress=False)
    kpis = result.kpis
    assert list(kpis.columns[:4]) == ["point", "replication", *GRID]
    assert len(kpis) == 4 * 3
    # Same replication, same demand at every point: equal initial stock and capacity
    # differences only; point 0 and 1 differ in capacity, yet both use replication r.
    assert set(kpis.groupby("point")["replication"].apply(tuple)) == {(0, 1, 2)}
    one = capsim.simulate(sweep.scenarios[2], seed=sweep.seed, replication=1).kpis
    assert (
        kpis[(kpis.point == 2) & (kpis.replication == 1)]["unmet_total"].item()
        == one["unmet_total"].item()
    )


def test_unknown_path_bad_value_and_bad_counts_are_refused_before_running() -> None:
    model = scenario()
    with pytest.raises(capsim.ScenarioError, match="did you mean 'initial'"):
        capsim.Sweep(model, {"stockpiles.depot.intial": [1, 2]})
    with pytest.raises(capsim.ScenarioError, match=r"sweep point 1: stockpiles.depot.initial=-5"):
        capsim.Sweep(model, {"stockpiles.depot.initial": [5, -5]})
    with pytest.raises(capsim.ScenarioError, match="samples must be at least 1"):
        capsim.Sweep.sampled(model, {"stockpiles.depot.initial": (1, 9)}, samples=-3)
    with pytest.raises(capsim.ScenarioError, match="need low < high"):
        capsim.Sweep.sampled(model, {"lines.plant.capacity": (9, 1)}, 4, Sampler.SOBOL)
    with pytest.raises(capsim.ScenarioError, match="replications must be at least 1"):
        capsim.Sweep(model, GRID, replications=0)


def test_designs_too_big_for_memory_are_refused_at_once() -> None:
    model = scenario()
    huge = {"stockpiles.depot.initial": range(1000), "lines.plant.capacity": range(1, 1001)}
    with pytest.raises(capsim.ScenarioError, match=r"1,000 × 1,000 = 1,000,000 points, more"):
        capsim.Sweep(model, huge)  # refused before a million points are made
    with pytest.raises(capsim.ScenarioError, match="2,000,000 runs, more than the limit"):
        capsim.Sweep(model, {"stockpiles.depot.initial": [1, 2]}, replications=1_000_000)
    with pytest.raises(capsim.ScenarioError, match="more than the limit of 10,000 points"):
        capsim.Sweep.sampled(model, {"stockpiles.depot.initial": (1, 9)}, 2**20, Sampler.SOBOL)
    with pytest.raises(ValueError, match="more than the limit of 1,000,000"):
        capsim.replicate(model, 5_000_000)


def test_an_ensemble_too_big_for_memory_is_refused_at_its_first_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replication, "MAX_ENSEMBLE_BYTES", 2**20)
    with pytest.raises(ValueError, match=r"GiB of monthly series .* sweep it"):
        capsim.replicate(scenario(), 1000, executor=capsim.SerialExecutor(), progress=False)
    assert len(capsim.replicate(scenario(), 10, progress=False)) == 10  # small ones still run


def test_sampled_designs_round_whole_numbers_and_round_trip_through_yaml(tmp_path: Path) -> None:
    model = scenario()
    ranges = {"stockpiles.depot.initial": (10.0, 50.0), "lines.plant.capacity": (5.0, 15.0)}
    for sweep in (
        capsim.Sweep.sampled(model, ranges, samples=5, design_seed=1),
        capsim.Sweep.sampled(model, ranges, samples=4, sampler=Sampler.SOBOL, design_seed=1),
    ):
        initial = [point["stockpiles.depot.initial"] for point in sweep.points]
        assert all(isinstance(value, int) and 10 <= value <= 50 for value in initial)
        path = tmp_path / "sweep.yaml"
        sweep.to_yaml(path)
        again = capsim.Sweep.from_yaml(path, model)
        assert again.points == sweep.points and again.replications == sweep.replications
    sampled = capsim.Sweep.sampled(model, ranges, 4, Sampler.SOBOL, design_seed=1, seed=9)
    assert sampled.seed == 9 and sampled.points == sweep.points
    (tmp_path / "sampled.yaml").write_text(
        "seed: 9\nsobol: {samples: 4, design_seed: 1, ranges: {lines.plant.capacity: [5, 15], "
        "stockpiles.depot.initial: [10, 50]}}\n"
    )
    again = capsim.Sweep.from_yaml(tmp_path / "sampled.yaml", model)
    assert again.seed == 9 and len(again.points) == 4
    (tmp_path / "grid.yaml").write_text("replications: 2\ngrid:\n  stockpiles.depot.inital: [1]\n")
    with pytest.raises(capsim.ScenarioError, match="did you mean"):
        capsim.Sweep.from_yaml(tmp_path / "grid.yaml", model)


class StopsAfter(capsim.SerialExecutor):
    """Runs ``chunks`` chunks, then stops as Ctrl-C would."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        for done, chunk in enumerate(chunks):
            if done == self.chunks:
                raise KeyboardInterrupt
            yield function(chunk)


def test_interrupted_sweep_resumes_without_double_counting(tmp_path: Path) -> None:
    sweep = capsim.Sweep(scenario(), GRID, replications=5)
    whole = capsim.run_experiment(sweep, executor=capsim.SerialExecutor(), progress=False)
    store = tmp_path / "store"
    with pytest.raises(KeyboardInterrupt):
        capsim.run_experiment(sweep, executor=StopsAfter(3), store=store, progress=False, chunk=2)
    partial = load_experiment(store, sweep)
    assert len(partial.kpis) == 2 + 2 + 1  # three chunks of point 0: replications 0-1, 2-3, 4
    resumed = capsim.run_experiment(
        sweep, executor=capsim.ProcessExecutor(workers=2), store=store, progress=False, chunk=3
    )
    pd.testing.assert_frame_equal(whole.kpis, resumed.kpis)
    pd.testing.assert_frame_equal(whole.kpis, load_experiment(store, sweep).kpis)
    with sqlite3.connect(store / "results.sqlite") as connection:
        runs = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT point * 1000 + replication) FROM runs"
        ).fetchone()
    assert runs == (20, 20)
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["seed"] == sweep.seed and len(manifest["scenario_sha256"]) == 64
    other = capsim.Sweep(scenario(), GRID, replications=6)
    with pytest.raises(StoreMismatchError):
        capsim.run_experiment(other, executor=capsim.SerialExecutor(), store=store, progress=False)


def test_swept_path_overrides_an_uncertain_input() -> None:
    model = scenario(
        {"uncertain": {"lines.plant.capacity": {"distribution": "uniform", "low": 1, "high": 2}}}
    )
    sweep = capsim.Sweep(model, {"lines.plant.capacity": [30]}, replications=2)
    assert sweep.scenarios[0].uncertain == {}
    assert sweep.scenarios[0].lines["plant"].capacity == 30
