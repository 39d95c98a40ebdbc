"""Scenario against scenario: paired KPI table, inputs diff, figures and an HTML report.

``Comparison`` and ``compare`` are imported on first use, so that importing the command
line's submodule does not load pandas and SciPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capsim.lazy import lazy_names

if TYPE_CHECKING:
    from capsim.comparison.comparison import Comparison, compare

__all__ = ["Comparison", "compare"]


_HOMES = dict.fromkeys(__all__, "capsim.comparison.comparison")

__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals(), __all__)
