"""Scenario files: typed models, YAML loading and validation with located errors."""

from capsim.scenario.schema import MAX_HORIZON_MONTHS, Header, Scenario

__all__ = ["MAX_HORIZON_MONTHS", "Header", "Scenario"]
