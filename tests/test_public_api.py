"""The public API is small and pinned; the README's examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import capsim

ROOT = Path(__file__).resolve().parents[1]


def test_public_names_are_pinned() -> None:
    assert sorted(capsim.__all__) == [
        "Comparison",
        "DaskExecutor",
        "Ensemble",
        "ProcessExecutor",
        "Results",
        "Scenario",
        "ScenarioError",
        "SerialExecutor",
        "Sweep",
        "compare",
        "load_scenario",
        "parse_scenario",
        "replicate",
        "run_experiment",
        "sensitivity",
        "simulate",
    ]


def test_readme_scenario_example_validates_and_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)[0]
    path = tmp_path / "example.yaml"
    path.write_text(block)
    results = capsim.simulate(capsim.load_scenario(path))
    kpis = results.kpis.set_index("holder")
    assert kpis.loc["ukraine", "delivered_total"] == 0
    assert kpis.loc["us_army", "lowest_stock"] < 5600


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of the README runs, in order, in one namespace."""
    readme = (ROOT / "README.md").read_text()
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S):
        exec(compile(block, "README.md", "exec"), namespace)
    assert isinstance(namespace["results"], capsim.Results)
    assert isinstance(namespace["ens"], capsim.Ensemble)


def test_readme_variant_example_resolves(tmp_path: Path) -> None:
    """The README's variant extends the bundled baseline and removes one transfer."""
    readme = (ROOT / "README.md").read_text()
    block = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)[1]
    folder = tmp_path / "stinger"
    folder.mkdir()
    baseline = ROOT / "scenarios" / "stinger" / "baseline.yaml"
    (folder / "baseline.yaml").write_text(baseline.read_text())
    (folder / "variant.yaml").write_text(block)
    variant = capsim.load_scenario(folder / "variant.yaml")
    assert "us_transfer_2023_05" not in variant.demands
    assert variant.lines["stinger_tucson"].expansions["second_shift"].added_rate == 50
    results = capsim.simulate(variant, seed=1)
    assert results.kpis.set_index("holder").loc["us_army", "delivered_total"] > 0
