"""A tiny scenario tree for comparison and inheritance tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiny_scenario import tiny_scenario

TINY = tiny_scenario()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A scenario folder holding ``base.yaml`` (the tiny scenario)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").write_text(TINY)
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
