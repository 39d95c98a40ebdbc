"""When a buyer's components arrive: month-times in time order, kept in their batches.

Components reach a buyer in batches: what one source shipped between two settlings of
the model, each batch an ascending array of month-times. A busy sub-tier ships thousands
a month, so the batches are kept as they came rather than unit by unit: adding one is a
reference to it, and counting what has arrived by a time is a search over the batches'
first times, then within one batch only when the time falls inside it.
"""

from __future__ import annotations

import bisect

import numpy as np


class Arrivals:
    """Month-times at which units reach a buyer, in time order, by position.

    >>> arrivals = Arrivals()
    >>> arrivals.add(np.array([1.2, 1.5])); arrivals.add(np.array([1.4, 2.5]))
    >>> len(arrivals), arrivals.by(1.45), arrivals.take(0, 4, 2).tolist()
    (4, 2, [1.2, 1.5])
    """

    def __init__(self) -> None:
        self._batches: list[np.ndarray] = []
        self._firsts: list[float] = []
        """The first month-time of each batch."""
        self._lasts: list[float] = []
        """The last month-time of each batch."""
        self._ends: list[int] = []
        """Units in each batch and all those before it."""
        self._last_found = 0
        """The batch :meth:`by` found last."""

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def add(self, times: np.ndarray, span: tuple[float, float] | None = None) -> None:
        """Units arriving at ``times`` (ascending; kept, not copied, so not to be changed).

        ``span`` is the first and the last of ``times``, if the caller has them already
        (reading an array's element is slow next to passing a float on).

        A batch that arrives among those already here (from a source with a shorter lead
        time) is merged with the batches it overlaps, so batches never overlap: the units
        are in time order whichever source sent them.
        """
        if not len(times):
            return
        first, last = (times.item(0), times.item(-1)) if span is None else span
        lasts, ends = self._lasts, self._ends
        if lasts and first < lasts[-1]:
            cut = bisect.bisect_right(lasts, first)
            times = np.sort(np.concatenate([*self._batches[cut:], times]))
            del self._batches[cut:], self._firsts[cut:], lasts[cut:], ends[cut:]
            first, last = times.item(0), times.item(-1)
        ends.append((ends[-1] if ends else 0) + len(times))
        self._batches.append(times)
        self._firsts.append(first)
        lasts.append(last)

    def by(self, until: float) -> int:
        """Units here by month-time ``until`` (at it included).

        The batch that holds ``until`` is the last one that begins by it. Times asked
        about mostly grow, and slowly: the batch found last time, or one after it, is
        the answer, so the search starts from it.
        """
        firsts, k = self._firsts, self._last_found
        count = len(firsts)
        if k >= count or until < firsts[k]:  # before it (or it was merged away)
            k = bisect.bisect_right(firsts, until) - 1
            if k < 0:
                return 0
        elif k + 1 < count and firsts[k + 1] <= until:  # after it
            k = bisect.bisect_right(firsts, until, k + 1) - 1
        self._last_found = k
        if self._lasts[k] <= until:
            return self._ends[k]
        batch = self._batches[k]
        return self._ends[k] - len(batch) + int(batch.searchsorted(until, side="right"))

    def take(self, start: int, stop: int, step: int) -> np.ndarray:
        """The month-times of every ``step``-th unit from position ``start`` to before
        ``stop`` (positions count from the first unit to arrive)."""
        if start >= stop:
            return np.empty(0)
        ends = self._ends
        first = bisect.bisect_right(ends, start)
        last = bisect.bisect_left(ends, stop)
        offset = ends[first] - len(self._batches[first])
        if first == last:
            return self._batches[first][start - offset : stop - offset : step]
        pieces = [self._batches[first][start - offset :], *self._batches[first + 1 : last]]
        pieces.append(self._batches[last][: stop - (ends[last] - len(self._batches[last]))])
        return np.concatenate(pieces)[::step]


__all__ = ["Arrivals"]
