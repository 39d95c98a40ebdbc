"""Schema of what is built: systems, component suppliers and final-assembly lines."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from capsim.scenario.base import (
    MIN_MEAN_TIME_BETWEEN_MONTHS,
    USD,
    Fraction,
    Identifier,
    Interpolation,
    Months,
    PositiveMonths,
    PositiveRate,
    Rate,
    RateSchedule,
    Spec,
    Units,
)
from capsim.scenario.network import BufferStocks, Outage, SupplyAllocation


class System(Spec):
    """An end item that is built, bought, held and used (e.g. the FIM-92 Stinger)."""

    name: str = Field("", description="Human-readable name, used in plot titles.")
    bill_of_materials: dict[Identifier, Annotated[int, Field(ge=1, le=10_000)]] = Field(
        default_factory=dict,
        description="Components per unit of the system: component id → quantity per unit.",
    )


class Disruptions(Spec):
    """Random outages of a supplier: exponential times between and exponential durations."""

    mean_time_between_months: Annotated[
        float, Field(ge=MIN_MEAN_TIME_BETWEEN_MONTHS, le=1200, allow_inf_nan=False)
    ] = Field(
        description="Mean time from the end of one outage to the start of the next, in months "
        "(at least 0.1, so that outages cannot storm)."
    )
    mean_duration_months: PositiveMonths = Field(description="Mean length of an outage, in months.")


class Expansion(Spec):
    """Added capacity, paid for on a date, in effect after a lead time."""

    added_rate: PositiveRate = Field(description="Capacity added, in units per month.")
    cost: USD = Field(0.0, description="Cost obligated when funded, in USD.")
    funded: dt.date = Field(description="Date the expansion is funded (obligated).")
    lead_time_months: Months = Field(description="Months from funding to the added capacity.")
    account: Identifier | None = Field(
        None, description="Budget account that pays; none means funded outside the scenario."
    )


class Supplier(Spec):
    """The maker of one component, for every buyer whose bill of materials names it.

    A supplier works its backlog of orders at its capacity, from kits of its own bill of
    materials (made by sub-tier suppliers), and divides what it makes between its buyers
    by its ``allocation`` rule.
    """

    component: Identifier = Field(description="The component this supplier makes.")
    capacity: RateSchedule = Field(
        description="Components started per month (step schedule over dates)."
    )
    lead_time_months: Months = Field(
        description="Months from a component being made to its arrival at the buyer."
    )
    yield_: Fraction = Field(
        1.0,
        alias="yield",
        description="Fraction of components made that pass inspection (binomial draw), "
        "at least 0.01.",
    )
    initial_inventory: Units = Field(
        0,
        description="Finished components on hand at the start, in units, shipped to buyers "
        "as they order (at once, by the allocation rule).",
    )
    disruptions: Disruptions | None = Field(None, description="Optional random outages.")
    bill_of_materials: dict[Identifier, Annotated[int, Field(ge=1, le=10_000)]] = Field(
        default_factory=dict,
        description="Sub-tier components per component made: component id → quantity.",
    )
    buffer_stock: BufferStocks = Field(
        default_factory=dict,
        description="Sub-tier component → units kept on hand beyond what orders need.",
    )
    qualified: dt.date | None = Field(
        None,
        description="Date from which this source may deliver: its capacity is zero before "
        "it (a second source still in qualification). For a source that qualifies a lead "
        "time after it is funded, give it zero capacity and an expansion instead.",
    )
    price_per_unit: USD = Field(
        0.0,
        description="USD per good component, for cost reporting (the supplier's "
        "production_cost_usd); sources may differ.",
    )
    expansions: dict[Identifier, Expansion] = Field(
        default_factory=dict, description="Funded capacity expansions, as for lines."
    )
    outages: dict[Identifier, Outage] = Field(
        default_factory=dict, description="Scheduled stops (zero capacity while they last)."
    )
    allocation: SupplyAllocation = Field(
        default_factory=SupplyAllocation,
        description="How output is divided between buyers when the supplier is short.",
    )


class LearningTheory(StrEnum):
    """Which learning-curve formulation the line follows."""

    CUMULATIVE_AVERAGE = "cumulative_average"
    """Wright (1936): the cumulative average cost of the first N units is T1 · N^b."""
    UNIT = "unit"
    """Crawford: the cost of the N-th unit is T1 · N^b."""


class LearningCurve(Spec):
    """Unit cost against cumulative output, b = log2(slope)."""

    first_unit_cost: USD = Field(description="Cost of the first unit (T1), in USD.")
    slope: Annotated[float, Field(gt=0.5, le=1.0)] = Field(
        description="Learning slope: cost multiplier per doubling of cumulative output."
    )
    theory: LearningTheory = Field(LearningTheory.CUMULATIVE_AVERAGE)
    prior_units: Units = Field(
        0, description="Units built before the scenario starts (position on the curve)."
    )


class AllocationRule(StrEnum):
    """How a line divides its monthly output between contracts."""

    PRIORITY = "priority"
    """Contracts in priority order (lower number first), then award date."""
    PROPORTIONAL = "proportional"
    """In proportion to each contract's remaining eligible quantity."""
    SHARES = "shares"
    """In fixed shares per buyer (``shares``); a buyer's unused share goes to the others."""


class Line(Spec):
    """Final assembly of one system at a prime contractor."""

    system: Identifier = Field(description="The system this line assembles.")
    capacity: RateSchedule = Field(description="Assembly capacity, in units per month.")
    ramp: Interpolation = Field(
        Interpolation.LINEAR, description="How capacity moves between schedule points."
    )
    minimum_sustaining_rate: Rate = Field(
        0.0, description="Output below which the line is not viable, in units per month."
    )
    acceptance_yield: Fraction = Field(
        1.0,
        description="Fraction of assembled units that pass acceptance (binomial draw), "
        "at least 0.01.",
    )
    delivery_lag_months: Annotated[int, Field(ge=0, le=60)] = Field(
        1, description="Whole months from assembly to arrival in the buyer's stockpile."
    )
    learning_curve: LearningCurve | None = None
    expansions: dict[Identifier, Expansion] = Field(default_factory=dict)
    allocation: AllocationRule = Field(AllocationRule.PRIORITY)
    shares: dict[Identifier, PositiveRate] = Field(
        default_factory=dict,
        description="Buyer (holder) → share of output, when ``allocation`` is ``shares``.",
    )
    buffer_stock: BufferStocks = Field(
        default_factory=dict,
        description="Component → units kept on hand beyond what open contracts need.",
    )
    planning_horizon_months: PositiveMonths | None = Field(
        None,
        description="Months of assembly, at the line's capacity then, that it orders "
        "components for, rolled on each month (time-phased material requirements "
        "planning); none: every component an awarded contract needs, ordered at award "
        "(the prime subcontracts the full quantity).",
    )
