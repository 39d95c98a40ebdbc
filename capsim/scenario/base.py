"""Shared building blocks of the scenario schema: the frozen base model and rate schedules."""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        max_length=64,
        description="An identifier: a letter, then letters, digits, '_' or '-'.",
    ),
]
MAX_RATE = 1e9
"""Largest rate, share or quantity per month (units per month): far beyond any real line,
small enough that a run stays bounded."""
MAX_USD = 1e13
"""Largest amount of money in one field (USD): ten trillion dollars."""
MIN_PRICE_USD = 0.01
"""Smallest price or contract value (USD): one cent."""
MAX_MONTHS = 600
"""Longest duration, lead time or lag (months): fifty years."""
MIN_MEAN_TIME_BETWEEN_MONTHS = 0.1
"""Shortest mean time between random outages (months), so outages cannot storm."""

Rate = Annotated[float, Field(ge=0, le=MAX_RATE, allow_inf_nan=False)]
"""Units per month: at most a billion, far beyond any real line, so runs stay bounded."""
PositiveRate = Annotated[float, Field(gt=0, le=MAX_RATE, allow_inf_nan=False)]
"""A rate or share above zero, at most :data:`MAX_RATE`."""
MIN_YIELD = 0.01
"""Smallest yield (fraction passing inspection): below it, the scrap allowance that
planning adds (units ÷ yield) would grow without bound."""
Fraction = Annotated[float, Field(ge=MIN_YIELD, le=1, allow_inf_nan=False)]
"""A yield: the fraction that passes, from :data:`MIN_YIELD` to 1."""
Units = Annotated[int, Field(ge=0, le=1_000_000_000)]
Months = Annotated[float, Field(ge=0, le=MAX_MONTHS, allow_inf_nan=False)]
PositiveMonths = Annotated[float, Field(gt=0, le=MAX_MONTHS, allow_inf_nan=False)]
USD = Annotated[float, Field(ge=0, le=MAX_USD, allow_inf_nan=False)]
Price = Annotated[float, Field(ge=MIN_PRICE_USD, le=MAX_USD, allow_inf_nan=False)]
"""USD of a price or contract value: from one cent to :data:`MAX_USD`."""


class Spec(BaseModel):
    """Base of every scenario element: frozen, and unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Interpolation(StrEnum):
    """How a schedule moves between its points."""

    STEP = "step"
    """The rate holds until the next point, then jumps."""
    LINEAR = "linear"
    """The rate changes linearly from one point to the next (a ramp)."""


class RatePoint(Spec):
    """A rate that a schedule reaches on a calendar date."""

    date: dt.date = Field(description="Calendar date at which the schedule has this rate.")
    rate: Rate = Field(description="Rate, in units per month.")


def _check_points_in_order(
    points: float | tuple[RatePoint, ...],
) -> float | tuple[RatePoint, ...]:
    """Refuse a schedule whose points are empty or not in date order."""
    if isinstance(points, tuple):
        if not points:
            raise ValueError("a schedule needs at least one point (or write one number)")
        dates = [point.date for point in points]
        if any(later <= earlier for earlier, later in itertools.pairwise(dates)):
            raise ValueError("schedule points must be in strictly increasing date order")
    return points


RateSchedule = Annotated[Rate | tuple[RatePoint, ...], AfterValidator(_check_points_in_order)]
"""A rate in units per month: one number for a constant rate, or a list of dated points.

Before the first point the first rate holds; after the last point the last rate holds.
"""
