"""``--allow-code`` on every command that loads scenarios: a Python rule runs only with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.command import capsim
from tests.tiny_scenario import tiny_scenario

ROOT = Path(__file__).resolve().parents[2]
RULE = "tests.model.custom_rules:batches_of_100"


@pytest.fixture
def ruled(tmp_path: Path) -> tuple[Path, Path]:
    """A baseline naming a Python reorder rule, and a variant of it."""
    data = yaml.safe_load(tiny_scenario())
    data["policies"] = {
        "replenish": {
            "holder": "us_army",
            "system": "missile",
            "account": "army",
            "reorder_point": 200,
            "order_up_to": 400,
            "unit_price": 1.0,
            "first_delivery_lag_months": 2,
            "rule": RULE,
        }
    }
    baseline = tmp_path / "ruled.yaml"
    baseline.write_text(yaml.safe_dump(data, sort_keys=False))
    variant = tmp_path / "ruled_more.yaml"
    variant.write_text("extends: ruled.yaml\nscenario: {name: ruled_more}\n"
                       "stockpiles: {army_missile: {initial: 1500}}\n")  # fmt: skip
    return baseline, variant


def test_compare_refuses_a_rule_in_one_located_line_unless_code_is_allowed(
    ruled: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, variant = ruled
    out = str(tmp_path / "out")
    arguments = ("compare", str(baseline), str(variant), "--replications", "1", "--out", out)
    refused = capsim(*arguments, cwd=ROOT)
    assert refused.returncode == 2
    lines = refused.stderr.splitlines()
    assert len(lines) == 1, refused.stderr
    assert lines[0].startswith(f"{baseline}:") and "policies.replenish.rule" in lines[0]
    assert "--allow-code" in lines[0]
    assert not (tmp_path / "out").exists()
    allowed = capsim(*arguments, "--allow-code", cwd=ROOT)
    assert allowed.returncode == 0, allowed.stderr
    assert (tmp_path / "out" / "report.html").exists()


def test_resolve_and_sweep_take_allow_code_too(ruled: tuple[Path, Path], tmp_path: Path) -> None:
    baseline, variant = ruled
    assert capsim("resolve", str(variant), cwd=ROOT).returncode == 2
    resolved = capsim("resolve", str(variant), "--allow-code", cwd=ROOT)
    assert resolved.returncode == 0, resolved.stderr
    assert RULE in resolved.stdout
    store = str(tmp_path / "store")
    arguments = ("sweep", str(baseline), "--set", "stockpiles.army_missile.initial=900,1100",
                 "--out", store, "--no-progress")  # fmt: skip
    assert capsim(*arguments, cwd=ROOT).returncode == 2
    swept = capsim(*arguments, "--allow-code", cwd=ROOT)
    assert swept.returncode == 0, swept.stderr
