"""A small valid scenario, written as YAML text so tests can mutate it line by line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

VALID = """\
scenario:
  name: tiny
  start: 2023-01-01
  horizon_months: 24
systems:
  stinger:
    name: FIM-92 Stinger
    bill_of_materials:
      seeker: 1
suppliers:
  seeker_maker:
    component: seeker
    capacity: 100
    lead_time_months: 2
lines:
  tucson:
    system: stinger
    capacity:
      - {date: 2023-01-01, rate: 20}
      - {date: 2024-01-01, rate: 60}
budgets:
  army_procurement:
    appropriations:
      fy2023: 624.6e6
contracts:
  c2023:
    buyer: us_army
    system: stinger
    quantity: 1300
    total_value: 624.6e6
    award: 2023-05-01
    account: army_procurement
stockpiles:
  us_army_stinger:
    holder: us_army
    system: stinger
    initial: 1000
  ukraine_stinger:
    holder: ukraine
    system: stinger
demands:
  pdA:
    kind: transfer
    system: stinger
    from: us_army
    to: ukraine
    date: 2023-03-01
    quantity: 200
"""

WriteScenario = Callable[..., Path]


@pytest.fixture
def valid_text() -> str:
    """The valid scenario as YAML text."""
    return VALID


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteScenario:
    """Write the valid scenario, with text replacements, to a file; return its path."""

    def write(*replacements: tuple[str, str], text: str = VALID, name: str = "s.yaml") -> Path:
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
