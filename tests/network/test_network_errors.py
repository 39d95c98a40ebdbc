"""A bad supply network is refused with a located error: file, line, path, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from capsim.scenario.errors import Problem, ScenarioError
from capsim.scenario_files.loader import load_scenario
from tests.network.builders import ALPHA, BETA, ENERGETICS, MOTORS, network_scenario


def problems_of(tmp_path: Path, data: dict[str, Any]) -> list[Problem]:
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    for problem in problems:
        assert problem.file == str(path) and problem.line is not None, problem
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_cycle_is_refused_and_named(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"][ENERGETICS]["bill_of_materials"] = {"motor": 1}
    problem = only(problems_of(tmp_path, data))
    assert problem.path == ("suppliers", ENERGETICS, "bill_of_materials", "motor")
    assert "cycle" in problem.message
    assert f"{ENERGETICS} (propellant) → {MOTORS} (motor) → {ENERGETICS}" in problem.message


def test_a_supplier_needing_its_own_component_is_a_cycle(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"][MOTORS]["bill_of_materials"]["motor"] = 1
    problem = only(problems_of(tmp_path, data))
    assert f"{MOTORS} (motor) → {MOTORS}" in problem.message


def test_a_component_with_no_source_is_refused(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"][MOTORS]["bill_of_materials"]["igniter"] = 1
    problem = only(problems_of(tmp_path, data))
    assert problem.path == ("suppliers", MOTORS, "bill_of_materials", "igniter")
    assert "'igniter' has no source" in problem.message


def test_several_sources_need_a_split(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"]["second"] = {"component": "motor", "capacity": 5, "lead_time_months": 0}
    problem = only(problems_of(tmp_path, data))
    assert problem.path == ("suppliers", "second", "component")
    assert "sourcing.motor" in problem.message


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({MOTORS: 0.6, "second": 0.3}, "shares add up to 0.9; they must add up to 1"),
        ({MOTORS: 1.0}, "missing second"),
        ({MOTORS: 0.5, "secnd": 0.5}, "did you mean 'second'"),
    ],
)
def test_a_split_that_does_not_add_up_is_refused(
    tmp_path: Path, shares: dict[str, float], message: str
) -> None:
    data = network_scenario()
    data["suppliers"]["second"] = {"component": "motor", "capacity": 5, "lead_time_months": 0}
    data["sourcing"] = {"motor": {"rule": "shares", "shares": shares}}
    problems = problems_of(tmp_path, data)
    assert any(message in problem.message for problem in problems), problems
    assert all(problem.path[:2] == ("sourcing", "motor") for problem in problems)


def test_allocation_names_only_buyers_and_shares_add_up(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"][MOTORS]["allocation"] = {
        "rule": "shares",
        "shares": {ALPHA: 0.5, BETA: 0.4, "gamma_line": 0.1},
    }
    problems = problems_of(tmp_path, data)
    paths = {problem.path for problem in problems}
    assert ("suppliers", MOTORS, "allocation", "shares", "gamma_line") in paths
    unknown = next(p for p in problems if p.path[-1] == "gamma_line")
    assert f"allowed: {ALPHA}, {BETA}" in unknown.message


def test_a_rule_without_what_it_needs_is_refused(tmp_path: Path) -> None:
    data = network_scenario()
    data["suppliers"][MOTORS]["allocation"] = {"rule": "dpas"}
    problem = only(problems_of(tmp_path, data))
    assert problem.path == ("suppliers", MOTORS, "allocation", "ratings")


def test_advance_procurement_names_components_of_the_system(tmp_path: Path) -> None:
    data = network_scenario()
    data["contracts"]["alpha_lot"]["advance_procurement"] = {
        "months_before": 6,
        "components": ["propellant"],
    }
    problem = only(problems_of(tmp_path, data))
    assert problem.path == ("contracts", "alpha_lot", "advance_procurement", "components", 0)


def chain(data: dict[str, Any], tiers: int, closed: bool = False) -> dict[str, Any]:
    """Energetics made from a chain of ``tiers`` suppliers, each from the next."""
    for i in range(tiers):
        last = i == tiers - 1
        data["suppliers"][f"tier_{i:03d}"] = {
            "component": f"part_{i:03d}",
            "capacity": 1000,
            "lead_time_months": 0,
            "bill_of_materials": {"part_000": 1} if last and closed
            else {} if last else {f"part_{i + 1:03d}": 1},
        }  # fmt: skip
    data["suppliers"][ENERGETICS]["bill_of_materials"] = {"part_000": 1}
    return data


def test_a_network_too_deep_is_refused(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, chain(network_scenario(), 60)))
    assert "62 tiers deep" in problem.message and "at most 50" in problem.message


def test_a_long_cycle_is_named_by_its_ends(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, chain(network_scenario(), 100, closed=True)))
    assert "… 91 more …" in problem.message and len(problem.message) < 400


def test_the_deepest_network_allowed_runs(tmp_path: Path) -> None:
    from tests.model.model_builders import run

    results = run(chain(network_scenario(months=6), 48))
    assert results.series("production", "line").to_numpy().sum() > 0
