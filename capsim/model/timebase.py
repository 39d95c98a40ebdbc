"""Model time: days on the SimPy clock, month-time for rates, and the order of ties.

The SimPy clock counts days since the scenario's start. Rates in a scenario are *per
calendar month*, so the model integrates them in **month-time**: month ``m`` plus the
fraction of that calendar month elapsed. A rate of 30 a month makes 30 units in every
calendar month, of 28 days or 31, and a ramp that is linear between two dates is linear
in month-time, so its integral is exactly the trapezoid of its monthly rates. Lags and
lead times in months are added in month-time too: one month after 15 March is 15 April.

Events on the same day happen in the order of their :class:`Phase`: the books of the
month that ends are closed at midnight, then money arrives and is obligated,
then deliveries land, then demands draw, then policies review. A phase is a fixed offset
of a small fraction of a second from the day's midnight, so SimPy's own clock orders
them; continuous arrivals (production, Poisson demand) happen at their own times.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import MutableSequence
from enum import IntEnum
from functools import lru_cache

import numpy as np

from capsim.calendar import AVERAGE_DAYS_PER_MONTH, Calendar, calendar_for

PHASE_STEP = 2.0**-20
"""Days between two phases of one instant (about 0.08 s): exact in binary floating point."""


class Phase(IntEnum):
    """The order of events that share an instant (lowest first)."""

    CLOSE = 0
    """The month that ends at this midnight is recorded (with all that happened by then)."""
    MONEY = 1
    """Appropriations, lapses, awards, lot funding and expansions."""
    DELIVERY = 2
    """Units land in stockpiles; contracts become eligible for assembly."""
    DEMAND = 3
    """Transfers and other dated demands draw on stockpiles."""
    REVIEW = 4
    """Replenishment policies look at inventory positions."""


def snap(time: float) -> float:
    """A SimPy time without its phase offset: a dated event happens at its midnight.

    >>> snap(at(31, Phase.REVIEW)), snap(31.25)
    (31.0, 31.25)
    """
    whole = math.floor(time)
    return float(whole) if time - whole < 8 * PHASE_STEP else time


def at(day: float, phase: Phase) -> float:
    """The SimPy time of an event of ``phase`` on simulation day ``day``.

    >>> at(31, Phase.REVIEW) > at(31, Phase.DEMAND) > 31
    True
    """
    return float(day) + int(phase) * PHASE_STEP


class TimeBase:
    """Conversions between days since the start and month-time, for one calendar."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.months = calendar.months
        self._boundaries = calendar.boundaries.astype(float)
        self._lengths = np.diff(self._boundaries)
        # Lists for one day at a time: numpy's call overhead dominates there.
        self._boundary_list: list[float] = self._boundaries.tolist()
        self._length_list: list[float] = self._lengths.tolist()
        self.end_day = float(self._boundaries[-1])
        self.recorded_ends: list[float] = [*self._boundary_list[1:-1], math.inf]
        """The last day each month's books record (:meth:`recorded_month`): its end, and
        everything after the horizon for the last month. A day after a month's first
        recorded day is that month's if it is not after this."""

    def month_time(self, day: float) -> float:
        """Month-time of a day: month index plus the fraction of that month elapsed.

        >>> base = TimeBase(Calendar(dt.date(2024, 2, 1), 2))
        >>> base.month_time(14.5), base.month_time(29.0)
        (0.5, 1.0)
        """
        if day >= self.end_day:
            return self.months + (day - self.end_day) / AVERAGE_DAYS_PER_MONTH
        if day <= 0.0:
            return day / AVERAGE_DAYS_PER_MONTH
        month = bisect.bisect_right(self._boundary_list, day) - 1
        return float(month + (day - self._boundary_list[month]) / self._length_list[month])

    def month_times(self, days: np.ndarray) -> np.ndarray:
        """:meth:`month_time` of many days at once."""
        days = np.asarray(days, dtype=float)
        month = np.clip(
            np.searchsorted(self._boundaries, days, side="right") - 1, 0, self.months - 1
        )
        inside = month + (days - self._boundaries[month]) / self._lengths[month]
        after = self.months + (days - self.end_day) / AVERAGE_DAYS_PER_MONTH
        before = days / AVERAGE_DAYS_PER_MONTH
        return np.where(days >= self.end_day, after, np.where(days < 0.0, before, inside))

    def day(self, month_time: float) -> float:
        """Day since the start of a month-time (the inverse of :meth:`month_time`)."""
        if month_time >= self.months:
            return self.end_day + (month_time - self.months) * AVERAGE_DAYS_PER_MONTH
        if month_time <= 0.0:
            return month_time * AVERAGE_DAYS_PER_MONTH
        month = int(month_time)
        return float(self._boundary_list[month] + (month_time - month) * self._length_list[month])

    def days(self, month_times: np.ndarray, ascending: bool = False) -> np.ndarray:
        """:meth:`day` of many month-times at once (``ascending``: they are in order,
        so the first is the least and the last the greatest)."""
        times = np.asarray(month_times, dtype=float)
        # Month-times within the horizon (the usual case) skip the clipping and the
        # branches for before and after it: fewer operations on a small array.
        within = False
        if times.size:
            if ascending:
                first, last = float(times[0]), float(times[-1])
            else:
                first = float(np.minimum.reduce(times, axis=None))
                last = float(np.maximum.reduce(times, axis=None))
            within = first >= 0.0 and last < self.months
            if within and math.floor(first) == math.floor(last):
                # All in one month (a batch from a line, say): its start and length are
                # scalars, with the same arithmetic.
                only = math.floor(first)
                one_month: np.ndarray = (
                    self._boundary_list[only] + (times - only) * self._length_list[only]
                )
                return one_month
        month = np.floor(times).astype(np.int64)
        if not within:
            month = np.clip(month, 0, self.months - 1)
        inside: np.ndarray = self._boundaries[month] + (times - month) * self._lengths[month]
        if within:
            return inside
        after = self.end_day + (times - self.months) * AVERAGE_DAYS_PER_MONTH
        before = times * AVERAGE_DAYS_PER_MONTH
        return np.where(times >= self.months, after, np.where(times < 0.0, before, inside))

    def month_of_days(self, days: np.ndarray) -> np.ndarray:
        """Index of the month holding each day (``months`` past the horizon, -1 before)."""
        index = np.searchsorted(self._boundaries, np.asarray(days, dtype=float), side="right") - 1
        return np.minimum(index, self.months)

    def recorded_months(self, days: np.ndarray) -> np.ndarray:
        """The month whose books record each day's events (clamped to the horizon).

        A month's books close at its last midnight (:attr:`Phase.CLOSE`): what happens at
        that instant, before the next day's dated events, is the ending month's.
        """
        index = np.searchsorted(self._boundaries[1:], np.asarray(days, dtype=float), side="left")
        return np.minimum(index, self.months - 1)

    def recorded_months_ascending(self, days: np.ndarray) -> np.ndarray:
        """:meth:`recorded_months` of ascending ``days``: the same months, found by
        searching each month's end among the days, not each day among the month ends.

        A month's books record the days after its start (the instant of the start is the
        month before's) up to its end included, so its days are a run of the ascending
        days: those after the previous month's end, up to its own. The first month takes
        the days before too, the last those after the horizon (clamped, as there).

        >>> import datetime as dt
        >>> timebase = timebase_for(dt.date(2024, 1, 1), 3, 10)
        >>> timebase.recorded_months_ascending(np.array([0.0, 31.0, 31.5, 60.0, 95.0])).tolist()
        [0, 0, 1, 1, 2]
        """
        ends = np.searchsorted(days, self.calendar.boundaries[1:-1], side="right")
        bounds = np.concatenate(([0], ends, [len(days)]))  # of each month's run of days
        return np.repeat(np.arange(self.months), bounds[1:] - bounds[:-1])

    def recorded_month(self, day: float) -> int:
        """:meth:`recorded_months` of one day."""
        month = bisect.bisect_left(self._boundary_list, day, 1) - 1
        return month if month < self.months else self.months - 1

    def month_of_day(self, day: float) -> int:
        """Index of the month holding ``day`` (``months`` past the horizon)."""
        if day >= self.end_day:
            return self.months
        month = bisect.bisect_right(self._boundary_list, day) - 1
        return 0 if month < 0 else month  # max(month, 0), without a builtin call

    def date_day(self, date: dt.date) -> int:
        """Days from the start to ``date``."""
        return self.calendar.day(date)


@lru_cache(maxsize=64)
def timebase_for(start: dt.date, months: int, fiscal_year_start_month: int) -> TimeBase:
    """A shared time base on :func:`~capsim.calendar.calendar_for`'s calendar.

    Replications of one scenario build it once, and what is built from it, such as a
    capacity curve, can be shared between them too.

    >>> timebase_for(dt.date(2024, 1, 1), 12, 10) is timebase_for(dt.date(2024, 1, 1), 12, 10)
    True
    """
    return TimeBase(calendar_for(start, months, fiscal_year_start_month))


def month_index(month_time: float, months: int) -> int:
    """The month a month-time falls in, a month's last instant included (clamped).

    >>> month_index(1.0, 12), month_index(1.5, 12), month_index(0.0, 12)
    (0, 1, 0)
    """
    # min(max(month, 0), months - 1), without builtin calls (the same operands)
    month = math.ceil(month_time) - 1
    month = 0 if month < 0 else month
    last = months - 1
    return last if last < month else month


def month_indices(month_times: np.ndarray, months: int) -> np.ndarray:
    """:func:`month_index` of many month-times."""
    index: np.ndarray = np.minimum(
        np.maximum(np.ceil(month_times).astype(np.int64) - 1, 0), months - 1
    )
    return index


def count_by_month(counts: MutableSequence[float] | np.ndarray, month_times: np.ndarray) -> None:
    """Add one to the monthly ``counts`` (a list or an array) for each of ``month_times``
    (in order), in its month (:func:`month_index`).

    A batch within one month, the usual case, takes a single addition. The counts are
    whole numbers, so adding them at once or one by one gives the same floats.

    >>> counts = [0.0, 0.0, 0.0]
    >>> count_by_month(counts, np.array([0.2, 0.9, 1.5]))
    >>> counts
    [2.0, 1.0, 0.0]
    """
    count = len(month_times)
    if not count or count_in_month(counts, month_times.item(0), month_times.item(-1), count):
        return
    for month in month_indices(month_times, len(counts)).tolist():
        counts[month] += 1.0


def count_in_month(
    counts: MutableSequence[float] | np.ndarray, first: float, last: float, count: int
) -> bool:
    """Add ``count`` to the monthly ``counts`` in their month, for ``count`` units at
    month-times from ``first`` to ``last``, when one month holds them all (the usual
    case: a stretch of work ends by its month's end); else add nothing and say so.

    >>> counts = [0.0, 0.0]
    >>> count_in_month(counts, 0.2, 0.9, 5), count_in_month(counts, 0.2, 1.5, 5), counts
    (True, False, [5.0, 0.0])
    """
    month = math.ceil(first)
    if month != math.ceil(last):
        return False
    # min(max(month - 1, 0), last month), as in month_index: the month of the first.
    month, final = month - 1, len(counts) - 1
    month = 0 if month < 0 else month
    counts[final if final < month else month] += count
    return True


__all__ = [
    "PHASE_STEP", "Phase", "TimeBase", "at", "count_by_month", "count_in_month", "month_index",
    "month_indices", "snap", "timebase_for",
]  # fmt: skip
