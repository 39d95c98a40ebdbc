"""When a stretch's units were finished: month-times in order, worked out only when asked.

A node makes units one after another, and a busy one makes a thousand a month. Most of
those times are never read one by one: a buyer asks how many units have arrived by a
month's end, which a batch's first and last time answer. So a stretch's finish times
are kept as what gives them (jobs worked back to back on a capacity curve, and which
starts passed inspection), and the array is made only when some unit's time is needed.
Each time is the same number either way: the one the array would hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from capsim.model.capacity import CapacityCurve

COUNTING = np.arange(4096.0)
"""0, 1, 2, ... as floats, read-only: :func:`whole_numbers` slices it."""
COUNTING.flags.writeable = False


def whole_numbers(first: int, count: int) -> np.ndarray:
    """``count`` whole numbers from ``first`` as floats (``np.arange(float(first),
    first + count)``, the same values exactly), read-only.

    A slice of :data:`COUNTING` when it reaches that far: numpy fills an ``arange``
    one element at a time, and a server asks for one at every stretch.
    """
    if first + count <= len(COUNTING):
        return COUNTING[first : first + count]
    numbers = np.arange(float(first), first + count)
    numbers.flags.writeable = False
    return numbers


def by(times: np.ndarray, until: float) -> np.ndarray:
    """Finish times (ascending, a new array) no later than ``until``: a level reached
    within the capacity tolerance of the limit counts as done by ``until``. Only the
    last time can be past it, so the others are left alone."""
    if len(times) and times.item(-1) > until:
        np.minimum(times, until, out=times)
    return times


class FinishTimes:
    """Month-times at which ``count`` units were finished, in order.

    :meth:`times` gives them all (an array not to be changed), and :meth:`span` the first
    and the last, as Python floats with the array's bits.
    """

    __slots__ = ("count",)

    count: int
    """Units finished."""

    def times(self) -> np.ndarray:
        """Every unit's finish time, in order."""
        raise NotImplementedError

    def times_of(self, first: int, last: int) -> tuple[float, float]:
        """The finish times of units ``first`` and ``last`` (from 0)."""
        times = self.times()
        return times.item(first), times.item(last)

    def span(self) -> tuple[float, float]:
        """The first and the last unit's finish times (at least one unit)."""
        return self.times_of(0, self.count - 1)

    def part(self, first: int, count: int) -> FinishTimes:
        """Units ``first`` to ``first + count - 1`` (from 0) only: a line divides a
        stretch's units between contracts, and each takes its part unworked-out."""
        if first == 0 and count == self.count:
            return self
        return PartTimes(self, first, count)

    def passed(self, passes: np.ndarray) -> FinishTimes:
        """Only the units whose entry in ``passes`` (one a unit) is true."""
        good = int(np.count_nonzero(passes))
        if good == self.count:
            return self
        return PassedTimes(self, passes, good)


class KnownTimes(FinishTimes):
    """Finish times already worked out, as an array (ascending, not to be changed)."""

    __slots__ = ("_times",)

    def __init__(self, times: np.ndarray) -> None:
        self.count = len(times)
        self._times = times

    def times(self) -> np.ndarray:
        return self._times

    def span(self) -> tuple[float, float]:
        times = self._times
        return times.item(0), times.item(-1)


NO_TIMES = np.zeros(0)
NO_TIMES.flags.writeable = False
NONE_FINISHED = KnownTimes(NO_TIMES)
"""No unit finished."""


class BackToBackTimes(FinishTimes):
    """Finish times of ``count`` jobs worked back to back on a capacity curve: job ``j``
    ends when the curve's level reaches ``floor + (j + first)``, and by ``until`` at the
    latest (:func:`by`).

    One job's time alone is the curve's root for its level
    (:meth:`~capsim.model.capacity.CapacityCurve.times_at_levels`): the same root, with
    the same rounding, as the array's element, whichever path the array takes (the
    curve keeps its paths bit for bit alike; a test checks it).
    """

    __slots__ = ("_curve", "_first", "_floor", "_times", "_until")

    def __init__(
        self, curve: CapacityCurve, floor: float, first: int, count: int, until: float
    ) -> None:
        self.count = count
        self._curve = curve
        self._floor = floor
        self._first = first
        self._until = until
        self._times: np.ndarray | None = None

    def times_of(self, first: int, last: int) -> tuple[float, float]:
        # ``floor + j`` as the array adds it: a small whole number is exact as a float.
        floor, offset, until = self._floor, self._first, self._until
        early, late = self._curve.times_at_levels(floor + (first + offset), floor + (last + offset))
        # min(time, until) of each, without builtin calls (the same operands).
        return (until if until < early else early), (until if until < late else late)

    def times(self) -> np.ndarray:
        if self._times is None:
            # ``floor + j``: addition commutes. The levels are new, so the curve may work
            # the times out in them.
            ends = whole_numbers(self._first, self.count) + self._floor
            self._times = by(self._curve._time_at_ascending(ends, spare=True), self._until)
        return self._times


class PartTimes(FinishTimes):
    """Units ``first`` to ``first + count - 1`` of ``whole``: their times are those of
    ``whole``, worked out as it works them out (one unit's alone, or all of them)."""

    __slots__ = ("_first", "_whole")

    def __init__(self, whole: FinishTimes, first: int, count: int) -> None:
        self.count = count
        self._whole = whole
        self._first = first

    def times_of(self, first: int, last: int) -> tuple[float, float]:
        return self._whole.times_of(self._first + first, self._first + last)

    def times(self) -> np.ndarray:
        first = self._first
        return self._whole.times()[first : first + self.count]


class PassedTimes(FinishTimes):
    """The units of ``finished`` that passed inspection (``passes``, one a unit, with
    ``count`` of them true), in order."""

    __slots__ = ("_finished", "_passes", "_times")

    def __init__(self, finished: FinishTimes, passes: np.ndarray, count: int) -> None:
        self.count = count
        self._finished = finished
        self._passes = passes
        self._times: np.ndarray | None = None

    def span(self) -> tuple[float, float]:
        # The first pass and the last: at the ends, at a yield near 1; else ``argmax``
        # finds them (it stops at the first true value).
        passes = self._passes
        last = len(passes) - 1
        first = 0 if passes.item(0) else int(passes.argmax())
        if not passes.item(last):
            last -= int(passes[::-1].argmax())
        return self._finished.times_of(first, last)

    def times(self) -> np.ndarray:
        if self._times is None:
            self._times = self._finished.times()[self._passes]
        return self._times


__all__ = [
    "NONE_FINISHED", "NO_TIMES", "BackToBackTimes", "FinishTimes", "KnownTimes", "PartTimes",
    "PassedTimes", "by", "whole_numbers",
]  # fmt: skip
