"""Turn dated rate schedules into one rate per simulated month."""

from __future__ import annotations

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
    or a step in mid-month counts for the part of the month it covers.

    >>> import datetime as dt
    >>> calendar = Calendar(dt.date(2024, 1, 1), 3)
    >>> monthly_rates(10.0, calendar).tolist()
    [10.0, 10.0, 10.0]
    """
    if not isinstance(schedule, tuple):
        return np.full(calendar.months, float(schedule))
    point_days = np.array([calendar.day(point.date) for point in schedule], dtype=float)
    point_rates = np.array([point.rate for point in schedule], dtype=float)
    days = np.arange(calendar.boundaries[-1], dtype=float)
    if interpolation is Interpolation.LINEAR:
        daily = np.interp(days, point_days, point_rates)
    else:
        index = np.searchsorted(point_days, days, side="right") - 1
        daily = point_rates[np.clip(index, 0, len(point_rates) - 1)]
    totals = np.add.reduceat(daily, calendar.boundaries[:-1])
    return np.asarray(totals / np.diff(calendar.boundaries), dtype=float)
