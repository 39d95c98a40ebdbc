"""The scenario: a typed, frozen description of one simulated world."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import Field, field_validator, model_validator

from capsim.scenario.base import Identifier, Spec
from capsim.scenario.demand import Demand, ReorderPolicy, Stockpile, UnmetDemand
from capsim.scenario.distributions import Distribution
from capsim.scenario.funding import Budget, Contract
from capsim.scenario.network import Sourcing
from capsim.scenario.production import Line, Supplier, System

MAX_HORIZON_MONTHS = 1200
"""Longest horizon capsim simulates (100 years); longer is refused, not attempted."""
FIRST_YEAR = 1800
"""Earliest year a scenario may start in."""
LAST_YEAR = 2999
"""Latest year a scenario may start in (its horizon then ends before 3100)."""


class Header(Spec):
    """Name, dates, seed and conventions of a scenario."""

    name: str = Field(description="Short name, used for the output folder.")
    description: str = Field("", description="What the scenario represents, in a sentence or two.")
    start: dt.date = Field(
        description="First day of the first simulated month, in a year from 1800 to 2999."
    )
    horizon_months: Annotated[int, Field(ge=1, le=MAX_HORIZON_MONTHS)] | None = Field(
        None, description="Months simulated (at most 1200); give this or ``end``."
    )
    end: dt.date | None = Field(None, description="Last day simulated; give this or horizon.")
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Root seed of all random streams.")
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = Field(
        10, description="Calendar month in which the fiscal year starts (US: 10, October)."
    )
    unmet_demand: UnmetDemand = Field(
        UnmetDemand.LOST, description="Default for demands that do not say."
    )

    @field_validator("start")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(
                f"start year {value.year} is out of range: allowed {FIRST_YEAR} to {LAST_YEAR}"
            )
        if value.day != 1:
            raise ValueError(
                f"start must be the first day of a month (got {value}; try {value.replace(day=1)})"
            )
        return value

    @model_validator(mode="after")
    def _one_horizon(self) -> Self:
        if (self.horizon_months is None) == (self.end is None):
            raise ValueError("give exactly one of horizon_months or end")
        months = self.months
        if months < 1:
            raise ValueError("end must be after start")
        if months > MAX_HORIZON_MONTHS:
            raise ValueError(
                f"horizon of {months} months is longer than the limit of "
                f"{MAX_HORIZON_MONTHS} months (100 years)"
            )
        return self

    @property
    def months(self) -> int:
        """Number of simulated months."""
        if self.horizon_months is not None:
            return self.horizon_months
        assert self.end is not None
        # A partial last month counts as a whole month.
        span = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return span + 1


class Scenario(Spec):
    """Everything one run needs: production, money, stockpiles, demand and policies.

    Collections are mappings from an id to an element, so every parameter has a path
    such as ``lines.stinger_tucson.capacity``.
    """

    scenario: Header
    systems: dict[Identifier, System]
    suppliers: dict[Identifier, Supplier] = Field(default_factory=dict)
    lines: dict[Identifier, Line] = Field(default_factory=dict)
    budgets: dict[Identifier, Budget] = Field(default_factory=dict)
    contracts: dict[Identifier, Contract] = Field(default_factory=dict)
    stockpiles: dict[Identifier, Stockpile] = Field(default_factory=dict)
    demands: dict[Identifier, Demand] = Field(default_factory=dict)
    policies: dict[Identifier, ReorderPolicy] = Field(default_factory=dict)
    sourcing: dict[Identifier, Sourcing] = Field(
        default_factory=dict,
        description="Component → how orders are split when several suppliers make it.",
    )
    uncertain: dict[str, Distribution] = Field(
        default_factory=dict,
        description="Uncertain inputs: parameter path → distribution, sampled per replication.",
    )

    def with_values(self, values: Mapping[str, Any]) -> Scenario:
        """This scenario with parameters set by path, validated again.

        >>> import capsim
        >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
        >>> scenario.with_values({"stockpiles.army.initial": 1500}).stockpiles["army"].initial
        1500
        """
        from capsim.scenario_files.uncertainty import with_inputs

        return with_inputs(self, values)
