"""docs/results.md describes every metric a run records, each with a unit and a kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import capsim

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DOC = ROOT / "docs" / "results.md"
KINDS = {"stock", "flow", "rate", "flag"}


def documented_metrics() -> dict[str, dict[str, tuple[str, str]]]:
    """entity_kind → metric → (unit, kind), read from the doc's tables."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    section = None
    for line in RESULTS_DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### .*\(`entity_kind` = `(\w+)`\)", line)
        if heading:
            section = heading.group(1)
            found[section] = {}
        elif line.startswith("## "):
            section = None
        elif section and (row := re.match(r"\| `(\w+)` \| ([^|]+) \| (\w+) \| (.+) \|$", line)):
            found[section][row.group(1)] = (row.group(2).strip(), row.group(3))
    return found


@pytest.fixture(scope="module", params=["stinger_2022_ukraine.yaml", "gmlrs_himars.yaml"])
def results(request: pytest.FixtureRequest) -> capsim.Results:
    return capsim.simulate(capsim.load_scenario(ROOT / "scenarios" / request.param), seed=1)


def test_every_recorded_metric_is_documented(results: capsim.Results) -> None:
    recorded = results.timeseries[["entity_kind", "metric"]].drop_duplicates()
    documented = documented_metrics()
    missing = [
        f"{kind}.{metric}"
        for kind, metric in recorded.itertuples(index=False)
        if metric not in documented.get(kind, {})
    ]
    assert not missing, f"add these metrics to docs/results.md: {missing}"


def test_every_documented_metric_has_a_unit_and_a_kind() -> None:
    for kind, metrics in documented_metrics().items():
        assert metrics, kind
        for metric, (unit, what) in metrics.items():
            assert unit and what in KINDS, f"{kind}.{metric}: {unit!r}, {what!r}"


def test_every_money_flow_and_constraint_is_documented(results: capsim.Results) -> None:
    text = RESULTS_DOC.read_text(encoding="utf-8")
    assert all(f"| `{flow}` |" in text for flow in results.money["flow"].unique())
    components = {
        component for system in results.scenario.systems.values()
        for component in system.bill_of_materials
    }  # fmt: skip
    named = set(results.constraints["constraint"].unique()) - components
    assert all(f"| `{constraint}` |" in text for constraint in named)
