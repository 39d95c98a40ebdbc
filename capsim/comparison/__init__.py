"""Scenario against scenario: paired KPI table, inputs diff, figures and an HTML report.

``Comparison`` and ``compare`` are imported on first use, so that importing the command
line's submodule does not load pandas and SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capsim.comparison.comparison import Comparison, compare

__all__ = ["Comparison", "compare"]


def __getattr__(name: str) -> Any:
    """Import ``Comparison`` or ``compare`` on first use, then keep it here."""
    if name not in __all__:
        raise AttributeError(f"module 'capsim.comparison' has no attribute {name!r}")
    value = getattr(import_module("capsim.comparison.comparison"), name)
    globals()[name] = value
    return value
