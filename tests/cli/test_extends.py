"""``extends:`` may name a parent elsewhere in the same project, and no further."""

from __future__ import annotations

from pathlib import Path

import pytest

from capsim.scenario.errors import ScenarioError
from capsim.scenario_files.inheritance import resolve_file, scenario_tree
from tests.command import capsim

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "stinger" / "baseline.yaml"
VARIANT = "extends: ../baselines/baseline.yaml\nscenario: {name: variant}\n"


def project(tmp_path: Path) -> Path:
    """``tmp_path/project/{baselines/baseline.yaml, variants/variant.yaml}``."""
    (tmp_path / "project" / "baselines").mkdir(parents=True)
    (tmp_path / "project" / "variants").mkdir()
    (tmp_path / "project" / "baselines" / "baseline.yaml").write_text(BASELINE.read_text())
    variant = tmp_path / "project" / "variants" / "variant.yaml"
    variant.write_text(VARIANT)
    return variant


def test_without_a_marker_the_parent_must_be_beside_and_the_error_says_how(
    tmp_path: Path,
) -> None:
    variant = project(tmp_path)
    with pytest.raises(ScenarioError) as raised:
        resolve_file(variant)
    message = str(raised.value)
    assert "outside the scenario tree" in message and "put an empty capsim.toml" in message
    assert f"{variant}:1:" in message


@pytest.mark.parametrize("marker", ["capsim.toml", ".git"])
def test_a_marker_makes_its_folder_the_tree(tmp_path: Path, marker: str) -> None:
    variant = project(tmp_path)
    (tmp_path / "project" / marker).write_text("")
    assert scenario_tree(variant) == (tmp_path / "project").resolve()
    resolved = resolve_file(variant)
    assert resolved.data["scenario"]["name"] == "variant"
    assert "lines" in resolved.data


def test_a_marker_does_not_open_anything_above_it(tmp_path: Path) -> None:
    variant = project(tmp_path)
    (tmp_path / "project" / "capsim.toml").write_text("")
    (tmp_path / "outside.yaml").write_text(BASELINE.read_text())
    variant.write_text("extends: ../../outside.yaml\n")
    with pytest.raises(ScenarioError, match="outside the scenario tree"):
        resolve_file(variant)


def test_cli_compare_across_folders_of_a_project(tmp_path: Path) -> None:
    variant = project(tmp_path)
    done = capsim("resolve", str(variant), cwd=tmp_path)
    assert done.returncode == 2 and "capsim.toml" in done.stderr
    (tmp_path / "project" / "capsim.toml").write_text("")
    done = capsim("resolve", str(variant), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "name: variant" in done.stdout
