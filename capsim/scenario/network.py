"""Schema of the supply network: who gets a shared supplier's output, how a component
with several sources is split between them, and a supplier's scheduled outages.

A supplier's buyers are every line whose system, and every supplier whose own bill of
materials, names the supplier's component. The network of suppliers is a directed
acyclic graph (checked across the scenario in :mod:`capsim.scenario.references`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from capsim.scenario.base import Identifier, PositiveMonths, Spec

Share = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
"""A fraction of a whole, above 0 and at most 1."""

SHARE_TOLERANCE = 1e-6
"""How far shares may add up from 1 (rounding in a file)."""


class SupplyRule(StrEnum):
    """How a supplier short of capacity divides its output between its buyers."""

    FIRST_COME = "first_come"
    """Oldest order first (order date, then buyer id): the commercial default."""
    PRIORITY = "priority"
    """Buyers in the order of ``ranking`` (by program); unranked buyers after, first come."""
    DPAS = "dpas"
    """Defense Priorities and Allocations System (15 CFR 700.11, 700.13): DX-rated buyers
    before DO-rated, rated before unrated; within a rating, first come."""
    SHARES = "shares"
    """Fixed shares of output (``shares``); what a buyer cannot use goes to the others."""
    PROPORTIONAL = "proportional"
    """In proportion to each buyer's outstanding orders."""


class Rating(StrEnum):
    """A DPAS priority rating (15 CFR 700.11)."""

    DX = "DX"
    """Programs of the highest national priority, approved by the President."""
    DO = "DO"
    """Other programs critical to national defense."""


class SupplyAllocation(Spec):
    """The rule a supplier uses to divide output between buyers when it is short."""

    rule: SupplyRule = Field(
        SupplyRule.FIRST_COME, description="The allocation rule; first come by default."
    )
    ranking: tuple[Identifier, ...] = Field(
        (), description="Buyers (line or supplier ids), first served first, for ``priority``."
    )
    ratings: dict[Identifier, Rating] = Field(
        default_factory=dict, description="Buyer → DPAS rating (DX or DO), for ``dpas``."
    )
    shares: dict[Identifier, Share] = Field(
        default_factory=dict,
        description="Buyer → fraction of output, adding up to 1, for ``shares``.",
    )


class SourcingRule(StrEnum):
    """How a buyer splits its orders for a component between several sources."""

    SHARES = "shares"
    """Each source gets its share of the units ordered, counted cumulatively."""
    PRIMARY_OVERFLOW = "primary_overflow"
    """The first source takes orders up to ``overflow_after_months`` of its capacity;
    the rest overflows to the next, and the last takes whatever is left."""


class Sourcing(Spec):
    """How orders for one component are split between the suppliers that make it."""

    rule: SourcingRule = Field(description="The split rule.")
    shares: dict[Identifier, Share] = Field(
        default_factory=dict,
        description="Supplier → share of units ordered, adding up to 1, for ``shares``.",
    )
    order: tuple[Identifier, ...] = Field(
        (), description="Suppliers, primary first, for ``primary_overflow``."
    )
    overflow_after_months: PositiveMonths = Field(
        6.0,
        description="Months of a source's capacity it may have on order before new orders "
        "overflow to the next source, for ``primary_overflow``.",
    )


class Outage(Spec):
    """A scheduled stop of a supplier: a fire, a strike, a planned retooling."""

    start: dt.date = Field(description="First day of the outage.")
    months: PositiveMonths = Field(description="Length of the outage, in months.")


class AdvanceProcurement(Spec):
    """Money obligated ahead of each lot to buy its long-lead components.

    Advance procurement (DoD Financial Management Regulation 7000.14-R, vol. 2A, ch. 1,
    010204) funds long-lead items a year or more before the end item's lot, so that the
    lot's delivery schedule is not set by its slowest component. Here, ``months_before``
    each lot is funded, ``cost`` is obligated from ``account`` (waiting for money like an
    award) and the line orders the components listed for that lot's quantity. The lot's
    own obligation is not reduced: give its price net of advance procurement.
    """

    months_before: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)] = Field(
        description="Months before each lot's funding that its components are bought."
    )
    components: tuple[Identifier, ...] = Field(
        min_length=1, description="Long-lead components bought ahead (from the system's bill)."
    )
    cost: Annotated[float, Field(ge=0, le=1e13, allow_inf_nan=False)] = Field(
        0.0, description="USD obligated for each lot's advance procurement."
    )
    account: Identifier | None = Field(
        None, description="Budget account that pays; the contract's account by default."
    )


BufferStocks = dict[Identifier, Annotated[int, Field(ge=0, le=1_000_000_000)]]
"""Component → units kept on hand beyond what open orders need (safety stock)."""

__all__ = [
    "SHARE_TOLERANCE",
    "AdvanceProcurement",
    "BufferStocks",
    "Outage",
    "Rating",
    "Share",
    "Sourcing",
    "SourcingRule",
    "SupplyAllocation",
    "SupplyRule",
]
