"""A tiny two-holder scenario for figure tests: a line, a transfer, training and firing."""

from __future__ import annotations

from pathlib import Path

import pytest

import capsim
from tests.tiny_scenario import tiny_scenario

# The comparison tests' scenario, with an objective above the initial stock.
TINY = tiny_scenario(objective=1200)


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    """``base.yaml``: the tiny scenario, in a folder of its own."""
    path = tmp_path / "base.yaml"
    path.write_text(TINY)
    return path


@pytest.fixture
def tiny(tiny_file: Path) -> capsim.Results:
    """One run of the tiny scenario."""
    return capsim.simulate(capsim.load_scenario(tiny_file), seed=1)
