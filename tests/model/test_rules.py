"""A reorder rule written in Python: through the API, on a process pool, and by the CLI."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import capsim
from capsim.scenario.errors import ScenarioError
from capsim.scenario_files.loader import parse_scenario
from tests.command import capsim as capsim_command
from tests.model.model_builders import BUYER, SYSTEM

ROOT = Path(__file__).resolve().parents[2]
RULE = "tests.model.custom_rules:batches_of_100"


@pytest.fixture
def with_rule(scenario: dict[str, Any]) -> dict[str, Any]:
    del scenario["contracts"]["lot1"]
    scenario["stockpiles"]["army_missile"]["initial"] = 300
    scenario["demands"] = {
        "training": {"kind": "consumption", "system": SYSTEM, "holder": BUYER, "rate": 30}
    }
    scenario["policies"] = {
        "replenish": {
            "holder": BUYER,
            "system": SYSTEM,
            "account": "procurement",
            "reorder_point": 200,
            "order_up_to": 400,
            "unit_price": 1.0,
            "first_delivery_lag_months": 2,
            "rule": RULE,
        }
    }
    return scenario


def awarded(results: capsim.Results) -> list[int]:
    rows = results.events[results.events["kind"] == "award"]
    return [int(quantity) for quantity in rows["quantity"]]


def test_a_python_rule_decides_the_orders(with_rule: dict[str, Any]) -> None:
    results = capsim.simulate(parse_scenario(copy.deepcopy(with_rule), allow_code=True), seed=1)
    assert awarded(results) and set(awarded(results)) == {100}
    del with_rule["policies"]["replenish"]["rule"]
    plain = capsim.simulate(parse_scenario(with_rule), seed=1)
    assert set(awarded(plain)) != {100}  # (s, S) orders up to 400 instead


def test_a_rule_is_refused_unless_code_is_allowed(with_rule: dict[str, Any]) -> None:
    with pytest.raises(ScenarioError, match=r"policies\.replenish\.rule.*--allow-code"):
        parse_scenario(with_rule)


def test_a_rule_that_cannot_be_imported_is_a_located_error(with_rule: dict[str, Any]) -> None:
    with_rule["policies"]["replenish"]["rule"] = "tests.model.no_such_module:rule"
    with pytest.raises(ScenarioError, match="cannot import"):
        parse_scenario(with_rule, allow_code=True)


def test_a_rule_works_on_a_process_pool_and_on_dask(with_rule: dict[str, Any]) -> None:
    pytest.importorskip("distributed")
    from capsim.experiments.executors import DaskExecutor

    scenario = parse_scenario(with_rule, allow_code=True)
    serial = capsim.replicate(scenario, 4, seed=3, executor=capsim.SerialExecutor(),
                              progress=False)  # fmt: skip
    pool = capsim.replicate(scenario, 4, seed=3, executor=capsim.ProcessExecutor(2),
                            progress=False)  # fmt: skip
    assert serial.kpis.equals(pool.kpis)
    with DaskExecutor(local_cluster=True, workers=2) as executor:
        dask = capsim.replicate(scenario, 4, seed=3, executor=executor, progress=False)
    assert serial.kpis.equals(dask.kpis)


def test_the_cli_loads_a_rule_only_with_allow_code(
    with_rule: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "ruled.yaml"
    path.write_text(yaml.safe_dump(with_rule, sort_keys=False))
    refused = capsim_command("validate", str(path), cwd=ROOT)
    assert refused.returncode == 2
    assert f"{path}:" in refused.stdout and "--allow-code" in refused.stdout
    allowed = capsim_command("validate", "--allow-code", str(path), cwd=ROOT)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    run = capsim_command("run", str(path), "--allow-code", "--quiet", "--no-plot",
                         "--out", str(tmp_path / "out"), cwd=ROOT)  # fmt: skip
    assert run.returncode == 0, run.stderr
