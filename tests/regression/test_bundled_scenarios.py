"""Every bundled scenario validates, runs, and keeps its pinned key results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regression.pinned import PINNED, ROOT, key_results, scenario_files


@pytest.mark.parametrize("path", scenario_files(), ids=lambda path: path.name)
def test_key_results_are_pinned(path: Path) -> None:
    pinned = json.loads(PINNED.read_text())
    name = str(path.relative_to(ROOT))
    assert name in pinned, f"{name} has no pinned results: run python -m tests.regression.pinned"
    _assert_same(key_results(path), pinned[name])


def _assert_same(
    actual: dict[str, dict[str, object]], expected: dict[str, dict[str, object]]
) -> None:
    assert actual.keys() == expected.keys()
    for stockpile, row in expected.items():
        for column, value in row.items():
            got = actual[stockpile][column]
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-9), (stockpile, column)
            else:
                assert got == value, (stockpile, column)
