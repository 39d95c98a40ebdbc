"""Scenario against scenario: paired KPI table, inputs diff, figures and an HTML report."""

from capsim.compare.comparison import Comparison, compare

__all__ = ["Comparison", "compare"]
