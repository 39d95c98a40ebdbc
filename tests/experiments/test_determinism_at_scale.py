"""Determinism at scale: 200 seeds of a bundled scenario give bit-identical KPIs serially and
on a process pool, whatever ``PYTHONHASHSEED`` and whatever the order of keys in the file.

KPIs are compared as the exact text of every value (``repr`` of floats round-trips), row
by row, keyed by stockpile: the order of the rows follows the file, the values must not.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import capsim
from capsim.experiments.executors import ProcessExecutor, SerialExecutor
from capsim.experiments.tasks import Chunk, ChunkResult, run_chunk
from tests.experiments.scenarios import BASE_STOCK

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "stinger_2022_ukraine.yaml"
"""Nine demands (transfers, consumption, Poisson expenditure), a policy, suppliers."""
SEEDS = range(200)


def fingerprints(results: list[ChunkResult]) -> list[dict[str, str]]:
    """Per seed: stockpile → the exact text of its KPI row."""
    found = []
    for result in results:
        kpis = result.kpis
        rows = {}
        for index, stockpile in enumerate(kpis["stockpile"]):
            rows[stockpile] = json.dumps({name: kpis[name][index] for name in kpis}, default=str)
        found.append(rows)
    return found


def chunks(scenario: capsim.Scenario) -> list[Chunk]:
    return [Chunk(scenario, seed, (0,), keep_series=False) for seed in SEEDS]


@pytest.fixture(scope="module")
def serial() -> list[dict[str, str]]:
    scenario = capsim.load_scenario(SCENARIO)
    return fingerprints(list(SerialExecutor().map(run_chunk, chunks(scenario))))


def test_a_process_pool_of_two_gives_bit_identical_kpis(serial: list[dict[str, str]]) -> None:
    scenario = capsim.load_scenario(SCENARIO)
    pooled = list(ProcessExecutor(workers=2).map(run_chunk, chunks(scenario)))
    assert fingerprints(pooled) == serial


FINGERPRINT_SCRIPT = """
import json, sys
import capsim
from capsim.experiments.tasks import Chunk, run_chunk
from tests.experiments.test_determinism_at_scale import SCENARIO, SEEDS, fingerprints
scenario = capsim.load_scenario(SCENARIO)
results = [run_chunk(Chunk(scenario, seed, (0,), keep_series=False)) for seed in SEEDS]
json.dump(fingerprints(results), sys.stdout)
"""


@pytest.mark.parametrize("hash_seed", ["1", "2718281"])
def test_kpis_do_not_depend_on_pythonhashseed(hash_seed: str, serial: list[dict[str, str]]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FINGERPRINT_SCRIPT],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == serial


def shuffled(value: Any, rng: random.Random) -> Any:
    """``value`` with the keys of every mapping in it in a random order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


def run_file(path: Path) -> list[dict[str, str]]:
    scenario = capsim.load_scenario(path)
    return fingerprints(list(SerialExecutor().map(run_chunk, chunks(scenario))))


def test_kpis_do_not_depend_on_the_order_of_keys_in_the_file(
    tmp_path: Path, serial: list[dict[str, str]]
) -> None:
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    for trial in range(2):
        mixed = shuffled(data, random.Random(trial))
        assert list(mixed["demands"]) != list(data["demands"])
        path = tmp_path / f"shuffled_{trial}.yaml"
        path.write_text(yaml.safe_dump(mixed, sort_keys=False))
        assert run_file(path) == serial


def contended() -> dict[str, Any]:
    """Two demands of equal priority on one short stockpile: a transfer and expenditure."""
    data = copy.deepcopy(BASE_STOCK)
    data["scenario"]["horizon_months"] = 12
    data["stockpiles"]["ally"] = {"holder": "ally", "system": "missile", "initial": 0}
    data["demands"] = {
        "use": {**data["demands"]["use"], "priority": 5},
        "drawdown": {"kind": "transfer", "system": "missile", "from": "army", "to": "ally",
                     "date": "2025-01-01", "quantity": 25, "priority": 5},
    }  # fmt: skip
    return data


def test_equal_priorities_are_not_served_in_file_order(tmp_path: Path) -> None:
    data = contended()
    reversed_demands = {**data, "demands": dict(reversed(list(data["demands"].items())))}
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(yaml.safe_dump(data, sort_keys=False))
    second.write_text(yaml.safe_dump(reversed_demands, sort_keys=False))
    seeds = range(20)
    runs = [
        fingerprints([run_chunk(Chunk(capsim.load_scenario(path), s, (0,))) for s in seeds])
        for path in (first, second)
    ]
    assert runs[0] == runs[1]
