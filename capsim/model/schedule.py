"""Turn dated rate schedules into one rate per simulated month."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from capsim.calendar import Calendar
from capsim.scenario.base import Interpolation, RatePoint


def monthly_rates(
    schedule: float | tuple[RatePoint, ...],
    calendar: Calendar,
    interpolation: Interpolation = Interpolation.STEP,
) -> np.ndarray:
    """Average rate over each month, in units per month.

    The schedule is evaluated day by day (step or linear between points, flat before the
    first and after the last point) and averaged over the days of each month, so a ramp
    or a step in mid-month counts for the part of the month it covers. A dated
    schedule's rates are worked out once and shared by the runs that ask for them: the
    array is read-only.

    >>> import datetime as dt
    >>> calendar = Calendar(dt.date(2024, 1, 1), 3)
    >>> monthly_rates(10.0, calendar).tolist()
    [10.0, 10.0, 10.0]
    """
    if not isinstance(schedule, tuple):
        return np.full(calendar.months, float(schedule))
    return _schedule_rates(schedule, calendar.start, calendar.months, interpolation)


@lru_cache(maxsize=256)
def _schedule_rates(
    schedule: tuple[RatePoint, ...], start: dt.date, months: int, interpolation: Interpolation
) -> np.ndarray:
    """:func:`monthly_rates` of a dated schedule, worked out once for the replications of a
    scenario (a calendar's days depend only on its start and its months). Read-only: the
    runs share it."""
    calendar = Calendar(start, months)
    point_days = np.array([calendar.day(point.date) for point in schedule], dtype=float)
    point_rates = np.array([point.rate for point in schedule], dtype=float)
    days = np.arange(calendar.boundaries[-1], dtype=float)
    if interpolation is Interpolation.LINEAR:
        daily = np.interp(days, point_days, point_rates)
    else:
        index = np.searchsorted(point_days, days, side="right") - 1
        daily = point_rates[np.clip(index, 0, len(point_rates) - 1)]
    totals = np.add.reduceat(daily, calendar.boundaries[:-1])
    rates = np.asarray(totals / np.diff(calendar.boundaries), dtype=float)
    rates.flags.writeable = False
    return rates
