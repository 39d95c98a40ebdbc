"""Each family of scenario error is reported with file, line and parameter path."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from capsim.scenario.errors import Problem, ScenarioError
from capsim.scenario.schema import MAX_HORIZON_MONTHS, Scenario
from capsim.scenario_files.loader import load_scenario
from tests.scenario.conftest import WriteScenario


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


def only_problem(path: Path) -> str:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return str(problems[0])


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, text in enumerate(lines, start=1) if needle in text]
    return found[occurrence - 1]


def test_valid_scenario_loads(write_scenario: WriteScenario) -> None:
    scenario = load_scenario(write_scenario())
    assert isinstance(scenario, Scenario)
    assert scenario.budgets["army_procurement"].appropriations["fy2023"] == 624.6e6


def test_unknown_key_suggests_the_closest(write_scenario: WriteScenario) -> None:
    path = write_scenario(("    lead_time_months: 2", "    lead_time_month: 2"))
    message = only_problem(path)
    assert message.startswith(f"{path}:{line_of(path, 'lead_time_month:')}:5: ")
    assert "suppliers.seeker_maker.lead_time_month: unknown key 'lead_time_month'" in message
    assert "did you mean 'lead_time_months'?" in message
    assert "allowed keys: component, capacity" in message


def test_wrong_type_says_what_is_allowed(write_scenario: WriteScenario) -> None:
    path = write_scenario(("    capacity: 100", "    capacity: lots"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'capacity: lots')}:" in message
    assert "suppliers.seeker_maker.capacity: expected a number >= 0" in message
    assert "or a list of {date, rate} points; got 'lots'" in message


def test_negative_rate_in_schedule(write_scenario: WriteScenario) -> None:
    path = write_scenario(("rate: 60", "rate: -3"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'rate: -3')}:" in message
    assert "lines.tucson.capacity[1].rate: expected a value >= 0" in message
    assert "got -3" in message


def test_zero_where_positive_required(write_scenario: WriteScenario) -> None:
    path = write_scenario(("quantity: 1300", "quantity: 0"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'quantity: 0')}:" in message
    assert "contracts.c2023.quantity: expected a value >= 1; got 0" in message


def test_missing_key_points_at_parent_mapping(write_scenario: WriteScenario) -> None:
    path = write_scenario(("    account: army_procurement\n", ""))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'buyer: us_army')}:" in message
    assert "contracts.c2023.account: missing required key 'account'" in message


def test_date_outside_horizon(write_scenario: WriteScenario) -> None:
    path = write_scenario(("date: 2023-03-01", "date: 2026-03-01"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'date: 2026-03-01')}:" in message
    assert "demands.pdA.date: date 2026-03-01 is outside the horizon" in message
    assert "2023-01-01 to 2024-12-31" in message


def test_multiyear_lots_must_add_up_to_the_quantity(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("    award: 2023-05-01\n", "    award: 2023-05-01\n    lots: {fy2023: 300, fy2024: 900}\n")
    )
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'buyer: us_army')}:" in message
    assert "contracts.c2023: lots add up to 1200 units but quantity is 1300" in message


def test_multiyear_lot_before_the_award_or_after_the_horizon(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario(
        (
            "    award: 2023-05-01\n",
            "    award: 2023-05-01\n    lots:\n      fy2022: 300\n      fy2023: 500\n"
            "      fy2026: 500\n",
        )
    )
    problems = [str(problem) for problem in problems_of(path)]
    assert len(problems) == 2, problems
    before, after = problems
    assert f"{path}:{line_of(path, 'fy2022: 300')}:" in before
    assert "contracts.c2023.lots.fy2022: lot fy2022 is before the award" in before
    assert "allowed fy2023 or later" in before
    assert f"{path}:{line_of(path, 'fy2026: 500')}:" in after
    assert "contracts.c2023.lots.fy2026: date 2025-10-01 is outside the horizon" in after


def test_undefined_system(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("    system: stinger\n    capacity:", "    system: stingr\n    capacity:")
    )
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'system: stingr')}:" in message
    assert "lines.tucson.system: unknown system 'stingr'; did you mean 'stinger'?" in message


def test_component_without_supplier(write_scenario: WriteScenario) -> None:
    path = write_scenario(("      seeker: 1", "      seeker: 1\n      rocket_motor: 1"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'rocket_motor: 1')}:" in message
    assert "systems.stinger.bill_of_materials.rocket_motor: component 'rocket_motor'" in message
    assert "add a supplier with component: rocket_motor" in message


def test_missing_stockpile_says_how_to_fix(write_scenario: WriteScenario) -> None:
    path = write_scenario(("    holder: ukraine", "    holder: poland"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'to: ukraine')}:" in message
    assert "demands.pdA.to: no stockpile" in message
    assert "add a stockpile with holder: ukraine, system: stinger" in message


def test_horizon_over_the_limit(write_scenario: WriteScenario) -> None:
    too_long = MAX_HORIZON_MONTHS + 1
    path = write_scenario(("horizon_months: 24", f"horizon_months: {too_long}"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'horizon_months')}:" in message
    assert f"scenario.horizon_months: expected a value <= {MAX_HORIZON_MONTHS}" in message


def test_python_tag_refused_and_not_executed(write_scenario: WriteScenario, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    payload = f"!!python/object/apply:os.system ['touch {marker}']"
    path = write_scenario(("  name: tiny", f"  name: {payload}"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'python/object')}:" in message
    assert "scenario.name: Python object tags are not allowed" in message
    assert not marker.exists()


def test_billion_laughs_refused_quickly(tmp_path: Path) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    began = time.perf_counter()
    message = only_problem(path)
    assert time.perf_counter() - began < 2
    assert f"{path}:" in message
    assert "100,000 nodes" in message


def test_recursive_alias_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("systems: &loop\n  again: *loop\n", encoding="utf-8")
    message = only_problem(path)
    assert f"{path}:1:" in message
    assert "systems.again: recursive alias" in message


def test_duplicate_key(write_scenario: WriteScenario) -> None:
    path = write_scenario(("    quantity: 1300", "    quantity: 1300\n    quantity: 1400"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'quantity: 1400')}:5: " in message
    assert "contracts.c2023.quantity: duplicate key 'quantity'" in message
    assert f"first set at line {line_of(path, 'quantity: 1300')}" in message


def test_yaml_syntax_error(write_scenario: WriteScenario) -> None:
    path = write_scenario(("{date: 2024-01-01, rate: 60}", "{date: 2024-01-01, rate: 60"))
    message = only_problem(path)
    assert f"{path}:" in message
    assert "YAML syntax error" in message
    assert f"line {line_of(path, 'rate: 60')}" in message


def test_several_problems_reported_together(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("    lead_time_months: 2", "    lead_time_month: 2"),
        ("rate: 60", "rate: -3"),
        ("quantity: 1300", "quantity: 0"),
    )
    problems = problems_of(path)
    assert [problem.path_text for problem in problems] == [
        "suppliers.seeker_maker.lead_time_month",
        "lines.tucson.capacity[1].rate",
        "contracts.c2023.quantity",
    ]
    assert all(problem.file == str(path) for problem in problems)


def test_several_reference_problems_reported_together(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        ("award: 2023-05-01", "award: 2030-05-01"),
        ("account: army_procurement", "account: navy"),
    )
    paths = [problem.path_text for problem in problems_of(path)]
    assert paths == ["contracts.c2023.award", "contracts.c2023.account"]


def test_numeric_id_does_not_crash(write_scenario: WriteScenario) -> None:
    path = write_scenario(("  c2023:", "  2023_contract:"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, '2023_contract:')}:3: " in message
    assert "contracts.2023_contract: invalid key '2023_contract': expected an id" in message


def test_cli_validate_reports_without_traceback(write_scenario: WriteScenario) -> None:
    good = write_scenario(name="good.yaml")
    bad = write_scenario(("quantity: 1300", "quantity: -3"), name="bad.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "validate", str(good), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert f"{good}: ok" in done.stdout
    assert f"{bad}:{line_of(bad, 'quantity: -3')}:" in done.stdout
    assert "contracts.c2023.quantity" in done.stdout
    assert "Traceback" not in done.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "run", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 4  # an input that cannot be read
    assert "cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_oversized_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# padding\n" * 600_000, encoding="utf-8")
    message = only_problem(path)
    assert message.startswith(f"{path}: ")
    assert "larger than the limit of 5,242,880 bytes (5 MB)" in message


def test_yaml_12_floats_are_numbers(write_scenario: WriteScenario) -> None:
    path = write_scenario(("total_value: 624.6e6", "total_value: 300e6"))
    assert load_scenario(path).contracts["c2023"].total_value == 300e6


def test_absurd_rate_refused_with_its_limit(write_scenario: WriteScenario) -> None:
    path = write_scenario(("rate: 60", "rate: 1e12"))
    message = only_problem(path)
    assert f"{path}:{line_of(path, 'rate: 1e12')}:" in message
    assert "lines.tucson.capacity[1].rate" in message and "1000000000" in message
