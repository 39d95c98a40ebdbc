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
    system: Identifier = Field(description="The system held (an id under ``systems``).")
    initial: Units = Field(0, description="Units on hand at the start.")
    objective: Units | None = Field(
        None, description="Inventory objective (requirement), in units; none if not set."
    )


class UnmetDemand(StrEnum):
    """What happens to demand the stockpile cannot serve."""

    LOST = "lost"
    BACKORDER = "backorder"


class DemandBase(Spec):
    """What every demand has: the system it draws, its rank among the demands on one
    stockpile, and what becomes of what cannot be served."""

    system: Identifier = Field(description="The system drawn (an id under ``systems``).")
    priority: Annotated[int, Field(ge=0, le=1000)] = Field(
        5, description="Order in which demands on one stockpile are served (lower first)."
    )
    unmet: UnmetDemand | None = Field(
        None, description="Lost or backordered; none means the scenario's default."
    )


class Transfer(DemandBase):
    """A drawdown: a quantity moved from one holder to another on a date."""

    kind: Literal["transfer"] = Field(description="Marks a transfer: write ``kind: transfer``.")
    from_: Identifier = Field(alias="from", description="Holder the quantity leaves.")
    to: Identifier = Field(description="Holder the quantity joins.")
    date: dt.date = Field(description="Date of the transfer.")
    quantity: Annotated[int, Field(ge=1, le=100_000_000)] = Field(
        description="Quantity moved, in units; what the giver lacks is unmet."
    )


class ScheduledUse(DemandBase):
    """A holder's use at a scheduled rate (the fields consumption and expenditure share)."""

    holder: Identifier = Field(description="Holder whose stockpile is drawn.")
    rate: RateSchedule = Field(description="Units per month.")
    interpolation: Interpolation = Interpolation.STEP


class Consumption(ScheduledUse):
    """Steady use, such as training and tests, at a scheduled rate."""

    kind: Literal["consumption"] = Field(
        description="Marks steady use: write ``kind: consumption``."
    )


class Expenditure(ScheduledUse):
    """Random wartime expenditure: a Poisson count per month with a scheduled mean."""

    kind: Literal["expenditure"] = Field(
        description="Marks random expenditure: write ``kind: expenditure``."
    )
    rate: RateSchedule = Field(description="Mean units per month (Poisson).")


class Attrition(DemandBase):
    """Loss of a fraction of the stock each month (binomial draw)."""

    kind: Literal["attrition"] = Field(description="Marks attrition: write ``kind: attrition``.")
    holder: Identifier = Field(description="Holder whose stockpile is drawn.")
    fraction_per_month: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        description="Fraction of the stock lost in each month, from 0 to 1."
    )
    start: dt.date | None = Field(None, description="First date of losses; none means the start.")
    end: dt.date | None = Field(None, description="Last date of losses; none means the end.")


Demand = Annotated[Transfer | Consumption | Expenditure | Attrition, Field(discriminator="kind")]


class PeriodicReview(Spec):
    """Review every ``period_months`` calendar months, on ``day`` of the month."""

    kind: Literal["periodic"] = Field("periodic", description="Review on a calendar schedule.")
    period_months: Annotated[int, Field(ge=1, le=120)] = Field(
        1, description="Calendar months between reviews."
    )
    day: Annotated[int, Field(ge=1, le=31)] = Field(
        1, description="Day of the month of each review (the month's last day if shorter)."
    )


class ContinuousReview(Spec):
    """Review at every change of the inventory position (every demand and month end)."""

    kind: Literal["continuous"] = Field(description="Review at every change of position.")


Review = Annotated[PeriodicReview | ContinuousReview, Field(discriminator="kind")]


class ReorderPolicy(Spec):
    """(R, s, S) or base stock: below the reorder point, order up to the order-up-to level.

    Follows the periodic-review order-up-to policy of inventory theory (Silver, Pyke and
    Thomas, *Inventory and Production Management in Supply Chains*, ch. 6), on the
    inventory position: stock plus units on order minus backorders. Orders are gated by
    the budget: the quantity is cut to what the account can pay.
    """

    kind: Literal["reorder_point"] = Field(
        "reorder_point", description="The policy's rule; ``reorder_point`` is the only one."
    )
    holder: Identifier = Field(description="Holder whose stockpile is reviewed and refilled.")
    system: Identifier = Field(description="The system ordered (an id under ``systems``).")
    line: Identifier | None = Field(
        None, description="The line that builds the orders; none when one line builds it."
    )
    account: Identifier = Field(description="Budget account that pays for the orders.")
    reorder_point: Units = Field(
        description="Inventory position below which an order is placed, in units "
        "(base stock S: s = S)."
    )
    order_up_to: Units = Field(
        description="Inventory position an order brings the stock back up to, in units."
    )
    review_period_months: Annotated[int, Field(ge=1, le=120)] = Field(
        1, description="Calendar months between periodic reviews (or give ``review``)."
    )
    review: Review | None = Field(
        None,
        description="When the policy reviews: ``{kind: periodic, period_months, day}`` or "
        "``{kind: continuous}``; none means periodic every ``review_period_months`` on "
        "day 1.",
    )
    unit_price: Price = Field(description="USD per unit of the contracts it awards.")
    first_delivery_lag_months: Months = Field(
        0.0, description="Months from an order's award to its earliest delivery."
    )
    max_deliveries_per_month: Units | None = Field(
        None, description="Cap on an order's deliveries, in units per month; none: no cap."
    )
    minimum_order: Annotated[int, Field(ge=1, le=1_000_000_000)] = Field(
        1, description="Orders smaller than this are not placed, in units."
    )
    priority: Annotated[int, Field(ge=0, le=1000)] = Field(
        1, description="Line priority of the contracts it awards (lower first), a rank."
    )
    start: dt.date | None = Field(None, description="First review; none means the start.")
    rule: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$",
        description="A Python rule, ``module:function``, that says how many units to order "
        "at each review instead of (s, S); it runs code, so capsim loads it only when "
        "allowed (``--allow-code``, or ``allow_code=True``).",
    )

    @property
    def review_kind(self) -> str:
        """``periodic`` or ``continuous``."""
        return "periodic" if self.review is None else self.review.kind

    @property
    def review_every_months(self) -> int:
        """Calendar months between periodic reviews."""
        if isinstance(self.review, PeriodicReview):
            return self.review.period_months
        return self.review_period_months

    @property
    def review_day(self) -> int:
        """Day of the month of periodic reviews."""
        return self.review.day if isinstance(self.review, PeriodicReview) else 1

    @model_validator(mode="after")
    def _one_review_period(self) -> Self:
        if self.review is not None and self.review_period_months != 1:
            raise ValueError("give the review period in review.period_months only")
        return self

    @model_validator(mode="after")
    def _levels_in_order(self) -> Self:
        if self.order_up_to < self.reorder_point:
            raise ValueError("order_up_to must be at least reorder_point")
        return self


__all__ = [
    "Attrition",
    "Consumption",
    "ContinuousReview",
    "Demand",
    "Expenditure",
    "Fraction",
    "Months",
    "PeriodicReview",
    "ReorderPolicy",
    "Stockpile",
    "Transfer",
    "UnmetDemand",
]
