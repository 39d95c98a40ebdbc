"""Fixtures of the model tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.model.model_builders import minimal_scenario


@pytest.fixture
def scenario() -> dict[str, Any]:
    """A fresh minimal valid scenario dict (see :func:`model_builders.minimal_scenario`)."""
    return minimal_scenario()
