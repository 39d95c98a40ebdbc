"""Scenario against scenario: paired KPI table, inputs diff, figures and an HTML report."""

from capsim.comparison.comparison import Comparison, compare

__all__ = ["Comparison", "compare"]
