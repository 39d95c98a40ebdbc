"""Calendar arithmetic: simulation days, calendar months and fiscal years.

Simulation time is in days since the scenario's start date (the first day of a month).
Month ``m`` is the calendar month that starts ``m`` months after the start.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

AVERAGE_DAYS_PER_MONTH = 365.25 / 12


def add_months(date: dt.date, months: float) -> dt.date:
    """Return ``date`` plus a possibly fractional number of months.

    Whole months move the calendar month (clamping the day to the month's length);
    the fraction adds ``fraction × 30.44`` days.

    >>> add_months(dt.date(2022, 5, 25), 30)
    datetime.date(2024, 11, 25)
    """
    whole = math.floor(months)
    index = date.month - 1 + whole
    year, month = date.year + index // 12, index % 12 + 1
    day = min(date.day, _days_in_month(year, month))
    moved = dt.date(year, month, day)
    return moved + dt.timedelta(days=round((months - whole) * AVERAGE_DAYS_PER_MONTH))


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def fiscal_year_of(date: dt.date, start_month: int) -> int:
    """The fiscal year a date falls in, named by the calendar year in which it ends.

    >>> fiscal_year_of(dt.date(2022, 10, 1), start_month=10)
    2023
    """
    if start_month == 1:
        return date.year
    return date.year + 1 if date.month >= start_month else date.year


def fiscal_year_start(fiscal_year: int, start_month: int) -> dt.date:
    """First day of a fiscal year.

    >>> fiscal_year_start(2023, start_month=10)
    datetime.date(2022, 10, 1)
    """
    return dt.date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)


@lru_cache(maxsize=64)
def calendar_for(start: dt.date, months: int, fiscal_year_start_month: int) -> Calendar:
    """A shared, immutable calendar: replications of one scenario build it once."""
    return Calendar(start, months, fiscal_year_start_month)


@dataclass(frozen=True)
class Calendar:
    """The simulated months of a scenario, as days since the start."""

    start: dt.date
    months: int
    fiscal_year_start_month: int = 10
    month_starts: tuple[dt.date, ...] = field(init=False)
    boundaries: np.ndarray = field(init=False, repr=False)
    """Day offset of the start of each month; ``months + 1`` entries (the last is the end)."""

    boundary_days: tuple[int, ...] = field(init=False, repr=False)
    """The same as ``boundaries``, as Python ints for fast scalar use."""
    month_ends: np.ndarray = field(init=False, repr=False)
    """Last day of each month, as ``datetime64[D]``."""

    def __post_init__(self) -> None:
        starts = tuple(add_months(self.start, m) for m in range(self.months + 1))
        object.__setattr__(self, "month_starts", starts[:-1])
        days = tuple((d - self.start).days for d in starts)
        object.__setattr__(self, "boundary_days", days)
        object.__setattr__(self, "boundaries", np.array(days, dtype=np.int64))
        ends = np.array(starts[1:], dtype="datetime64[D]") - np.timedelta64(1, "D")
        object.__setattr__(self, "month_ends", ends)

    @property
    def end(self) -> dt.date:
        """The first day after the horizon."""
        return self.start + dt.timedelta(days=int(self.boundaries[-1]))

    def day(self, date: dt.date) -> int:
        """Days from the start to ``date``."""
        return (date - self.start).days

    def date(self, day: float) -> dt.date:
        """The calendar date of simulation day ``day``."""
        return self.start + dt.timedelta(days=math.floor(day))

    def month_of_day(self, day: float) -> int:
        """Index of the month containing ``day`` (clamped to the horizon)."""
        index = int(np.searchsorted(self.boundaries, day, side="right")) - 1
        return min(max(index, 0), self.months - 1)

    def month_of(self, date: dt.date) -> int:
        """Index of the month containing ``date``; negative before the start, and
        ``months`` or more after the horizon."""
        return (date.year - self.start.year) * 12 + date.month - self.start.month

    def days_in(self, month: int) -> int:
        """Length of month ``month`` in days."""
        return int(self.boundaries[month + 1] - self.boundaries[month])

    def fiscal_year(self, month: int) -> int:
        """Fiscal year of month ``month``."""
        return fiscal_year_of(self.month_starts[month], self.fiscal_year_start_month)

    def starts_fiscal_year(self, month: int) -> bool:
        """Whether month ``month`` is the first month of a fiscal year (or the first month)."""
        return month == 0 or self.month_starts[month].month == self.fiscal_year_start_month
