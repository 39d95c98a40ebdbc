"""Schema of what is held and what draws it down: stockpiles, demands and policies."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from capsim.scenario.base import (
    Fraction,
    Identifier,
    Interpolation,
    Months,
    Price,
    RateSchedule,
    Spec,
    Units,
)


class Stockpile(Spec):
    """Inventory of one system held by one holder."""

    holder: Identifier = Field(description="Who holds it (e.g. ``us_army``, ``ukraine``).")
    system: Identifier
    initial: Units = Field(0, description="Units on hand at the start.")
    objective: Units | None = Field(
        None, description="Inventory objective (requirement), in units; none if not set."
    )


class UnmetDemand(StrEnum):
    """What happens to demand the stockpile cannot serve."""

    LOST = "lost"
    BACKORDER = "backorder"


class DemandBase(Spec):
    system: Identifier
    priority: Annotated[int, Field(ge=0, le=1000)] = Field(
        5, description="Order in which demands on one stockpile are served (lower first)."
    )
    unmet: UnmetDemand | None = Field(
        None, description="Lost or backordered; none means the scenario's default."
    )


class Transfer(DemandBase):
    """A drawdown: a quantity moved from one holder to another on a date."""

    kind: Literal["transfer"]
    from_: Identifier = Field(alias="from", description="Holder the units leave.")
    to: Identifier = Field(description="Holder the units join.")
    date: dt.date
    quantity: Annotated[int, Field(ge=1, le=100_000_000)]


class Consumption(DemandBase):
    """Steady use, such as training and tests, at a scheduled rate."""

    kind: Literal["consumption"]
    holder: Identifier
    rate: RateSchedule = Field(description="Units per month.")
    interpolation: Interpolation = Interpolation.STEP


class Expenditure(DemandBase):
    """Random wartime expenditure: a Poisson count per month with a scheduled mean."""

    kind: Literal["expenditure"]
    holder: Identifier
    rate: RateSchedule = Field(description="Mean units per month (Poisson).")
    interpolation: Interpolation = Interpolation.STEP


class Attrition(DemandBase):
    """Loss of a fraction of the stock each month (binomial draw)."""

    kind: Literal["attrition"]
    holder: Identifier
    fraction_per_month: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
    start: dt.date | None = None
    end: dt.date | None = None


Demand = Annotated[Transfer | Consumption | Expenditure | Attrition, Field(discriminator="kind")]


class ReorderPolicy(Spec):
    """Periodic review (R, s, S): below the reorder point, order up to the order-up-to level.

    Follows the periodic-review order-up-to policy of inventory theory (Silver, Pyke and
    Thomas, *Inventory and Production Management in Supply Chains*, ch. 6), on the
    inventory position: stock plus units on order minus backorders. Orders are gated by
    the budget: the quantity is cut to what the account can pay.
    """

    kind: Literal["reorder_point"] = "reorder_point"
    holder: Identifier
    system: Identifier
    line: Identifier | None = None
    account: Identifier
    reorder_point: Units
    order_up_to: Units
    review_period_months: Annotated[int, Field(ge=1, le=120)] = 1
    unit_price: Price = Field(description="USD per unit of the contracts it awards.")
    first_delivery_lag_months: Months = 0.0
    max_deliveries_per_month: Units | None = None
    minimum_order: Annotated[int, Field(ge=1, le=1_000_000_000)] = Field(
        1, description="Orders smaller than this are not placed, in units."
    )
    priority: Annotated[int, Field(ge=0, le=1000)] = 1
    start: dt.date | None = Field(None, description="First review; none means the start.")

    @model_validator(mode="after")
    def _levels_in_order(self) -> Self:
        if self.order_up_to < self.reorder_point:
            raise ValueError("order_up_to must be at least reorder_point")
        return self


__all__ = [
    "Attrition",
    "Consumption",
    "Demand",
    "Expenditure",
    "Fraction",
    "Months",
    "ReorderPolicy",
    "Stockpile",
    "Transfer",
    "UnmetDemand",
]
