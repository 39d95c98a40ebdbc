"""Regression tests of issue 12: each from the smallest file that gave a traceback or hang.

Each input is refused with a located error (file, line, parameter path, what is allowed),
or, where it is legal, loads and runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from capsim.engine import simulate
from capsim.scenario.distributions import Lognormal
from capsim.scenario.errors import Problem, ScenarioError
from capsim.scenario_files.loader import load_scenario
from tests.scenario.conftest import VALID, WriteScenario


def located(path: Path) -> Problem:
    """The one problem of ``path``, which must name the file and a line."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == str(path), problem
    assert problem.line is not None, problem
    return problem


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2023-02-30", "day is out of range"),
        ("2022-13-01", "month must be in 1..12"),
        ("0000-03-01", "year 0 is out of range"),
        ("2023-03-01T25:00:00", "hour must be in 0..23"),
    ],
)
def test_impossible_date(write_scenario: WriteScenario, written: str, reason: str) -> None:
    path = write_scenario(("date: 2023-03-01", f"date: {written}"))
    problem = located(path)
    assert problem.line == line_of(path, written)
    assert problem.path == ("demands", "pdA", "date")
    assert reason in problem.message and "YYYY-MM-DD" in problem.message


def test_start_year_out_of_range(write_scenario: WriteScenario) -> None:
    path = write_scenario(("start: 2023-01-01", "start: 9999-01-01"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problem = caught.value.problems[0]
    assert problem.path == ("scenario", "start") and problem.line == 3
    assert "allowed 1800 to 2999" in problem.message


def test_fiscal_year_zero(write_scenario: WriteScenario) -> None:
    path = write_scenario(("fy2023: 624.6e6", "fy0000: 624.6e6"))
    problem = located(path)
    assert problem.path[:3] == ("budgets", "army_procurement", "appropriations")
    assert problem.line == line_of(path, "fy0000")
    assert "fy1800 to fy2999" in problem.message


def test_integer_of_more_than_4300_digits(write_scenario: WriteScenario) -> None:
    path = write_scenario(("quantity: 1300", "quantity: " + "9" * 5000))
    problem = located(path)
    assert problem.path == ("contracts", "c2023", "quantity")
    assert "4,300" in problem.message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e999"])
def test_non_finite_numbers_refused(write_scenario: WriteScenario, value: str) -> None:
    path = write_scenario(("capacity: 100", f"capacity: {value}"))
    problem = located(path)
    assert problem.path == ("suppliers", "seeker_maker", "capacity")


@pytest.mark.parametrize("value", [".inf", "1e308", ".nan"])
def test_huge_share_refused(write_scenario: WriteScenario, value: str) -> None:
    path = write_scenario(
        ("    system: stinger\n    capacity:\n", "    system: stinger\n    allocation: shares\n"
         f"    shares: {{us_army: {value}}}\n    capacity:\n"),
    )  # fmt: skip
    problem = located(path)
    assert problem.path == ("lines", "tucson", "shares", "us_army")


@pytest.mark.parametrize("value", [".inf", "1e308"])
def test_infinite_added_rate_refused(write_scenario: WriteScenario, value: str) -> None:
    expansion = (
        "    expansions:\n      shift:\n"
        f"        added_rate: {value}\n        funded: 2023-06-01\n        lead_time_months: 3\n"
    )
    path = write_scenario(("    system: stinger\n", f"    system: stinger\n{expansion}"))
    problem = located(path)
    assert problem.path == ("lines", "tucson", "expansions", "shift", "added_rate")
    assert "finite number" in problem.message or "<= 1000000000" in problem.message


def test_tiny_contract_value_refused(write_scenario: WriteScenario) -> None:
    path = write_scenario(("total_value: 624.6e6", "total_value: 5e-324"))
    problem = located(path)
    assert problem.path == ("contracts", "c2023", "total_value")
    assert "0.01" in problem.message


def test_disruption_storm_refused(write_scenario: WriteScenario) -> None:
    outages = "    disruptions: {mean_time_between_months: 1e-9, mean_duration_months: 1}\n"
    path = write_scenario(("    lead_time_months: 2\n", f"    lead_time_months: 2\n{outages}"))
    problem = located(path)
    assert problem.path[-1] == "mean_time_between_months"
    assert "0.1" in problem.message


def test_lognormal_that_would_overflow_refused(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("capacity: 100", "capacity: {distribution: lognormal, median: 100, sigma: 9}")
    )
    problem = located(path)
    assert problem.path[:3] == ("suppliers", "seeker_maker", "capacity")


@pytest.mark.parametrize(("median", "sigma"), [(1e13, 10.0), (1e-300, 10.0), (1.0, 1e-300)])
def test_lognormal_ends_are_finite_when_accepted(median: float, sigma: float) -> None:
    try:
        distribution = Lognormal(distribution="lognormal", median=median, sigma=sigma)
    except ValueError:
        return
    for u in (2.0**-53, 0.5, 1 - 2.0**-53):
        assert math.isfinite(distribution.ppf(u))


@pytest.mark.parametrize(
    ("text", "found"),
    [("", "an empty file"), ("- 1\n- 2\n", "a list"), ("42\n", "a number")],
)
def test_top_level_not_a_mapping_is_located(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    problem = located(path)
    assert problem.line == 1 and found in problem.message


@pytest.mark.parametrize("section", ["lines: 5", "lines: [1, 2]", "lines: text"])
def test_section_of_the_wrong_shape_is_located(write_scenario: WriteScenario, section: str) -> None:
    text = VALID.replace("lines:\n  tucson:", "unused:\n  tucson:") + section + "\n"
    path = write_scenario(text=text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    for problem in caught.value.problems:
        assert problem.file == str(path) and problem.line is not None, problem


def test_horizon_past_year_9999(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("start: 2023-01-01", "start: 9999-01-01"), ("horizon_months: 24", "horizon_months: 1200")
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert all(problem.line is not None for problem in caught.value.problems)


@pytest.mark.parametrize("written", ["bad\\0name.yaml", "bad\\x07name.yaml", "a\\nb.yaml"])
def test_control_character_in_extends(tmp_path: Path, written: str) -> None:
    path = tmp_path / "child.yaml"
    path.write_text(f'extends: "{written}"\n', encoding="utf-8")
    problem = located(path)
    assert problem.path == ("extends",) and "control character" in problem.message


def test_symlink_loop_in_extends(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    path = tmp_path / "child.yaml"
    path.write_text("extends: a.yaml\n", encoding="utf-8")
    problem = located(path)
    assert problem.path == ("extends",) and "a.yaml" in problem.message


def test_ten_thousand_transfers_are_not_an_alias_bomb(write_scenario: WriteScenario) -> None:
    transfer = (
        "  t{0}:\n    kind: transfer\n    system: stinger\n    from: us_army\n"
        "    to: ukraine\n    date: 2023-03-01\n    quantity: 1\n"
    )
    text = VALID + "".join(transfer.format(index) for index in range(10_000))
    scenario = load_scenario(write_scenario(text=text))
    assert len(scenario.demands) == 10_001


def test_large_budget_and_contract_run(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("fy2023: 624.6e6", "fy2023: 37e9"),
        ("quantity: 1300", "quantity: 4227"),
        ("total_value: 624.6e6", "total_value: 37e9"),
    )
    results = simulate(load_scenario(path), seed=1)
    awards = results.events[results.events["kind"] == "award"]
    assert awards["quantity"].sum() == 4227


def test_vanishing_yield_refused(write_scenario: WriteScenario) -> None:
    # acceptance_yield: 5e-324 passed validation, then the scrap allowance (units ÷ yield)
    # overflowed inside the run.
    path = write_scenario(
        ("    system: stinger\n", "    system: stinger\n    acceptance_yield: 5e-324\n")
    )
    problem = located(path)
    assert problem.path == ("lines", "tucson", "acceptance_yield")
    assert ">= 0.01" in problem.message
