"""Units on their way to a stockpile, and the part of them that lands in one settling."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from capsim.model.contract import Contract
    from capsim.model.finish_times import FinishTimes
    from capsim.model.timebase import TimeBase


class Batch:
    """Units on their way from one sender: days they land (ascending) and how many each.

    A stockpile looks at a batch at each settling until it has landed, mostly only to
    compare its first and last day with the clock, and to credit it to one month: those,
    and the units in all, are kept as Python numbers. The day of every unit is worked out
    only if something needs it (a batch split by a settling, or that spans a month's end,
    or landing among demands the stock cannot cover).
    """

    __slots__ = (
        "_days", "_lag", "_month_times", "_timebase", "first", "last", "sender", "total", "units",
    )  # fmt: skip

    first: float
    """The first of its days."""
    last: float
    """The last of its days."""
    total: int
    """Units in all."""
    units: np.ndarray | None
    """Units landing on each of its days, or ``None`` for one each (a contract's)."""
    sender: Contract | None
    """The contract that delivers them, or ``None`` for a transfer."""
    _days: np.ndarray | None
    _month_times: FinishTimes
    """Month-times its units leave (their finish times, worked out only if the days
    are)."""
    _lag: float
    """Months from leaving to landing."""
    _timebase: TimeBase

    def __init__(
        self,
        days: np.ndarray | None,
        units: np.ndarray | None,
        sender: Contract | None,
        first: float,
        last: float,
        total: int,
    ) -> None:
        self._days = days
        self.units = units
        self.sender = sender
        self.first = first
        self.last = last
        self.total = total

    @classmethod
    def one_each(cls, days: np.ndarray, sender: Contract | None) -> Batch:
        """One unit landing at each of ``days`` (not empty)."""
        return cls(days, None, sender, days.item(0), days.item(-1), len(days))

    @classmethod
    def of(cls, days: np.ndarray, units: np.ndarray, sender: Contract | None) -> Batch:
        """``units[i]`` units landing at ``days[i]`` (not empty)."""
        return cls(days, units, sender, days.item(0), days.item(-1), int(units.sum()))

    @classmethod
    def at_month_times(
        cls,
        month_times: FinishTimes,
        timebase: TimeBase,
        sender: Contract | None,
        lag_months: float = 0,
    ) -> Batch:
        """One unit landing ``lag_months`` after each of ``month_times`` (not empty, and
        not changed afterwards: the batch keeps them).

        The days are ``timebase.days(month_times + lag_months)``, the first and last of
        them ``timebase.day`` of the first and last month-time plus the lag: the same
        numbers, each from the same arithmetic on one float. The array sum is made only
        if the days are asked for (most batches land whole, within a month).

        Made without a call of ``__init__`` (every unit a line ships comes this way): its
        fields are set here, the days and units to ``None`` as ``__init__`` would.
        """
        count = month_times.count
        early, late = month_times.span()
        first = timebase.day(early + lag_months)
        # One unit: its day is the first and the last (the same arithmetic, done once).
        batch = _new_batch(cls)
        batch.first = first
        batch.last = first if count == 1 else timebase.day(late + lag_months)
        batch.total = count
        batch.sender = sender
        batch.units = None
        batch._days = None
        batch._month_times = month_times
        batch._lag = lag_months
        batch._timebase = timebase
        return batch

    @property
    def days(self) -> np.ndarray:
        """Days its units land, ascending (as its month-times are: finish times, in order)."""
        if self._days is None:
            self._days = self._timebase.days(self._month_times.times() + self._lag, ascending=True)
        return self._days

    def unit_counts(self) -> np.ndarray:
        """Units landing on each of its days."""
        if self.units is None:
            return np.ones(len(self.days), dtype=np.int64)
        return self.units

    def split(self, count: int) -> tuple[Batch, Batch]:
        """Its first ``count`` days (at least one, not all), and the rest."""
        days, units = self.days, self.units
        if units is None:
            return Batch.one_each(days[:count], self.sender), Batch.one_each(
                days[count:], self.sender
            )
        return Batch.of(days[:count], units[:count], self.sender), Batch.of(
            days[count:], units[count:], self.sender
        )


_new_batch = object.__new__
"""A batch without its fields (``Batch`` has slots and no ``__new__`` of its own)."""


class Landing(list[Batch]):
    """Units landing in one settling: the due part of each batch, in the order expected.

    A list of the batches (made by the list's own constructor: a stockpile makes one at
    most settlings that receive anything).
    """

    __slots__ = ()

    def by_day(self) -> tuple[np.ndarray, np.ndarray]:
        """Days and units of every landing, by day (batches in order on one day)."""
        if len(self) == 1:
            return self[0].days, self[0].unit_counts()
        days = np.concatenate([batch.days for batch in self])
        order = np.argsort(days, kind="stable")
        units = np.concatenate([batch.unit_counts() for batch in self])
        return days[order], units[order]


__all__ = ["Batch", "Landing"]
