"""Every example of docs/extending.md runs: each extension touches only the files it names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "extending.md"

SCENARIO = {
    "scenario": {"name": "extended", "start": "2023-01-01", "horizon_months": 12},
    "systems": {"missile": {"bill_of_materials": {}}},
    "lines": {"main": {"system": "missile", "capacity": 100, "allocation": "youngest_first"}},
    "budgets": {"procurement": {"appropriations": {"fy2023": 1e9, "fy2024": 1e9}}},
    "stockpiles": {"army_missile": {"holder": "army", "system": "missile", "initial": 100}},
    "demands": {
        "exercise": {
            "kind": "surge",
            "system": "missile",
            "holder": "army",
            "per_day": 2,
            "start": "2023-03-01",
            "end": "2023-03-31",
        },
    },
    "policies": {
        "replenish": {
            "holder": "army",
            "system": "missile",
            "account": "procurement",
            "reorder_point": 90,
            "order_up_to": 100,
            "unit_price": 1.0,
            "review": {"kind": "first_monday"},
        },
    },
}

RUN = """
import json, sys
from capsim.engine import simulate
from capsim.scenario.schema import Scenario
import capsim.model.allocation as allocation
results = simulate(Scenario.model_validate(json.loads(sys.argv[1])), seed=1)
awards = results.events[results.events["kind"] == "award"]
print(json.dumps({
    "drawn": results.series("demand", "demand")["exercise"].tolist(),
    "award_days": [d.isoformat() for d in awards["date"]],
    "rules": sorted(allocation.ALLOCATION_RULES),
}))
"""


def blocks() -> list[tuple[str, str]]:
    """The doc's Python blocks, each with the file it edits ("" for code to run)."""
    found = []
    for code in re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        first = code.splitlines()[0]
        target = first.removeprefix("# file: ").split(",")[0] if first.startswith("# file:") else ""
        found.append((target, code))
    return found


def apply(copy: Path, target: str, code: str) -> None:
    path = copy / target
    text = path.read_text(encoding="utf-8")
    if "class Surge(" in code:
        text = text.replace("Demand = Annotated[", code + "\n\nDemand = Annotated[", 1)
        text = text.replace("Expenditure | Attrition,", "Expenditure | Attrition | Surge,")
        text = text.replace("Expenditure | Attrition]", "Expenditure | Attrition | Surge]")
    elif "class FirstMonday" in code:
        text = text.replace("Review = Annotated[", code + "\n\nReview = Annotated[", 1)
        text = text.replace(
            "PeriodicReview | ContinuousReview", "PeriodicReview | ContinuousReview | FirstMonday"
        )
    elif "YOUNGEST_FIRST" in code:
        anchor = '"""How a line divides its monthly output between contracts."""\n'
        member = "\n".join(code.splitlines()[1:])
        text = text.replace(anchor, anchor + "\n" + member + "\n", 1)
    else:
        text += "\n\n" + code
    path.write_text(text, encoding="utf-8")


def test_the_three_extensions_touch_two_files_each_and_run(tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "capsim", copy / "capsim", ignore=shutil.ignore_patterns("__pycache__"))
    edits = [(target, code) for target, code in blocks() if target]
    touched = {target for target, _ in edits}
    assert touched == {
        "capsim/scenario/demand.py", "capsim/model/demand.py",
        "capsim/scenario/production.py", "capsim/model/allocation.py",
        "capsim/model/policy.py",
    }  # fmt: skip
    for target, code in edits:
        apply(copy, target, code)
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(SCENARIO)],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["drawn"][2] == 62  # 2 a day through March
    assert sum(out["drawn"]) == 62
    assert "youngest_first" in out["rules"]
    # Stock falls below 90 in March; the first review after is Monday 3 April 2023.
    assert out["award_days"][0] == "2023-04-03"


def test_the_kpi_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    (code,) = [code for target, code in blocks() if not target]
    exec(compile(code, str(DOC), "exec"), {})
    assert "months_empty" in capsys.readouterr().out
    from capsim import kpis

    assert "months_empty" not in [declared.name for declared in kpis.outcomes()]
