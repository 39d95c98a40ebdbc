"""Scenario inheritance: deep merge, merge by id, removal, refusals with locations."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import capsim.scenario_files.inheritance
from capsim import ScenarioError, load_scenario
from capsim.scenario_files.inheritance import resolve_file
from tests.compare.conftest import write


def problem(error: pytest.ExceptionInfo[ScenarioError]):
    (found,) = error.value.problems
    return found


def test_doctests() -> None:
    assert doctest.testmod(capsim.scenario_files.inheritance).failed == 0


def test_deep_merge_and_merge_by_id(tree: Path) -> None:
    child = write(
        tree,
        "child.yaml",
        "extends: base.yaml\n"
        "scenario: {name: child}\n"
        "contracts:\n"
        "  lot_1: {quantity: 500}\n"
        "  lot_2: {buyer: us_army, system: missile, quantity: 50, unit_price: 1e5,\n"
        "          award: 2022-06-01, account: army}\n",
    )
    scenario = load_scenario(child)
    assert scenario.scenario.name == "child"
    assert scenario.scenario.horizon_months == 36  # inherited beside the override
    assert scenario.contracts["lot_1"].quantity == 500
    assert scenario.contracts["lot_1"].total_value == 30e6  # inherited inside the element
    assert set(scenario.contracts) == {"lot_1", "lot_2"}


def test_lists_are_replaced_whole(tree: Path) -> None:
    child = write(
        tree,
        "child.yaml",
        "extends: base.yaml\nlines:\n  plant:\n"
        "    capacity:\n      - {date: 2022-01-01, rate: 5}\n",
    )
    capacity = load_scenario(child).lines["plant"].capacity
    assert isinstance(capacity, tuple) and len(capacity) == 1 and capacity[0].rate == 5


def test_removal_marker(tree: Path) -> None:
    child = write(tree, "child.yaml", "extends: base.yaml\ndemands:\n  war: {$remove: true}\n")
    assert set(load_scenario(child).demands) == {"transfer_1", "training"}


def test_null_is_a_value_not_a_removal(tree: Path) -> None:
    child = write(
        tree, "child.yaml", "extends: base.yaml\nstockpiles:\n  army_missile: {objective: ~}\n"
    )
    assert load_scenario(child).stockpiles["army_missile"].objective is None


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("demands:\n  nothing_here: {$remove: true}\n", "nothing of this name"),
        ("demands:\n  war: {$remove: true, rate: 3}\n", "with nothing else"),
        ("demands:\n  war: {$remove: false}\n", "with nothing else"),
    ],
)
def test_bad_removals_are_located(tree: Path, override: str, message: str) -> None:
    child = write(tree, "child.yaml", "extends: base.yaml\n" + override)
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    found = problem(error)
    assert message in found.message
    assert found.file == str(child) and found.line == 3


def test_chain_of_extends(tree: Path) -> None:
    write(tree, "middle.yaml", "extends: base.yaml\nscenario: {horizon_months: 24}\n")
    leaf = write(tree, "sub/leaf.yaml", "extends: ../middle.yaml\nscenario: {name: leaf}\n")
    resolved = resolve_file(leaf, root=tree)
    assert [path.name for path in resolved.files] == ["leaf.yaml", "middle.yaml", "base.yaml"]
    scenario = load_scenario(tree / "middle.yaml")
    assert scenario.scenario.horizon_months == 24


def test_cycle_is_refused_at_the_extends_line(tree: Path) -> None:
    first = write(tree, "a.yaml", "# a\nextends: b.yaml\n")
    write(tree, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(first)
    found = problem(error)
    assert "inheritance cycle" in found.message
    assert found.file.endswith("b.yaml") and found.line == 1


def test_self_extension_is_a_cycle(tree: Path) -> None:
    path = write(tree, "self.yaml", "extends: self.yaml\n")
    with pytest.raises(ScenarioError, match="inheritance cycle"):
        load_scenario(path)


def test_missing_parent(tree: Path) -> None:
    child = write(tree, "child.yaml", "scenario: {name: x}\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    found = problem(error)
    assert "not found" in found.message
    assert (found.file, found.line, found.column) == (str(child), 2, 10)


@pytest.mark.parametrize("parent", ["../outside.yaml", "sub/../../outside.yaml"])
def test_parent_outside_the_tree_is_refused(tree: Path, parent: str) -> None:
    write(tree.parent, "outside.yaml", (tree / "base.yaml").read_text())
    child = write(tree, "child.yaml", f"extends: {parent}\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    found = problem(error)
    assert "outside the scenario tree" in found.message and found.line == 1


def test_symlink_out_of_the_tree_is_refused(tree: Path) -> None:
    write(tree.parent, "outside.yaml", (tree / "base.yaml").read_text())
    (tree / "link.yaml").symlink_to(tree.parent / "outside.yaml")
    child = write(tree, "child.yaml", "extends: link.yaml\n")
    with pytest.raises(ScenarioError, match="outside the scenario tree"):
        load_scenario(child)


def test_absolute_parent_is_refused(tree: Path) -> None:
    child = write(tree, "child.yaml", f"extends: {tree / 'base.yaml'}\n")
    with pytest.raises(ScenarioError, match="absolute parent path"):
        load_scenario(child)


def test_an_error_set_in_the_child_points_at_the_child(tree: Path) -> None:
    child = write(
        tree, "child.yaml", "extends: base.yaml\ncontracts:\n  lot_1:\n    quantity: -5\n"
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    found = problem(error)
    assert found.path == ("contracts", "lot_1", "quantity")
    assert (found.file, found.line) == (str(child), 4)


def test_an_inherited_error_points_at_the_parent(tree: Path) -> None:
    write(tree, "bad_base.yaml", (tree / "base.yaml").read_text().replace("rate: 5}", "rate: -5}"))
    child = write(tree, "child.yaml", "extends: bad_base.yaml\nscenario: {name: child}\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    problems = error.value.problems
    assert {found.path for found in problems} == {("demands", "training", "rate")}
    assert {(found.file, found.line) for found in problems} == {(str(tree / "bad_base.yaml"), 34)}


def test_resolve_command_prints_the_merged_yaml(tree: Path) -> None:
    child = write(tree, "child.yaml", "extends: base.yaml\ndemands:\n  war: {$remove: true}\n")
    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "resolve", str(child)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "extends" not in done.stdout.split("\n", 1)[1]
    assert "transfer_1:" in done.stdout and "war:" not in done.stdout


def test_resolve_command_refuses_a_cycle_with_exit_2(tree: Path) -> None:
    path = write(tree, "self.yaml", "extends: self.yaml\n")
    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "resolve", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "inheritance cycle" in done.stderr and "Traceback" not in done.stderr
