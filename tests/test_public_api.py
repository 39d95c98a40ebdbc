"""The public API is small and pinned; the README's examples run."""

from __future__ import annotations

import re
from pathlib import Path

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
    (block,) = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    path = tmp_path / "example.yaml"
    path.write_text(block)
    results = capsim.simulate(capsim.load_scenario(path))
    kpis = results.kpis.set_index("holder")
    assert kpis.loc["ukraine", "delivered_total"] == 0
    assert kpis.loc["us_army", "lowest_stock"] < 5600


def test_readme_python_example_runs(monkeypatch) -> None:
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    results = namespace["results"]
    assert isinstance(results, capsim.Results)
