"""When a buyer's components arrive: month-times in time order, kept in their batches.

Components reach a buyer in batches: what one source shipped between two settlings of
the model, each batch an ascending array of month-times. A busy sub-tier ships thousands
a month, so the batches are kept as they came rather than unit by unit: adding one is a
reference to it, and counting what has arrived by a time is a search over the batches'
first times, then within one batch only when the time falls inside it (a batch given as
its shipping times and lead time gets its arrival times then, if ever).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

import numpy as np

from capsim.model.finish_times import FinishTimes, KnownTimes


class Arrivals:
    """Month-times at which units reach a buyer, in time order, by position.

    >>> arrivals = Arrivals()
    >>> arrivals.add(np.array([1.2, 1.5])); arrivals.add(np.array([1.4, 2.5]))
    >>> len(arrivals), arrivals.by(1.45), arrivals.take(0, 4, 2).tolist()
    (4, 2, [1.2, 1.5])
    """

    def __init__(self) -> None:
        self._batches: list[FinishTimes] = []
        self._leads: list[np.ndarray | None] = []
        """The lead time still to be added to each batch's month-times (``None`` once it
        is): a batch may come as the times its units were shipped (:meth:`add`)."""
        self._firsts: list[float] = []
        """The first month-time of each batch."""
        self._lasts: list[float] = []
        """The last month-time of each batch."""
        self._ends: list[int] = []
        """Units in each batch and all those before it."""
        self.last = -math.inf
        """The month-time by which every unit has arrived (the last batch's last; minus
        infinity with none): :meth:`by` of it or any later time is :func:`len`."""

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def add(
        self,
        times: np.ndarray | FinishTimes,
        span: tuple[float, float] | None = None,
        lead: np.ndarray | None = None,
    ) -> None:
        """Units arriving at ``times`` (ascending; kept, not copied, so not to be changed),
        or, given the ``lead`` time (a 0-d array, in months), shipped at ``times``. The
        times may be given as :class:`~capsim.model.finish_times.FinishTimes`, worked out
        only if asked for.

        ``span`` is the first and the last arrival, if the caller has them already
        (reading an array's element is slow next to passing a float on).

        The arrival times of a shipment, ``times + lead``, are worked out only when they
        are asked for (:meth:`take`, or :meth:`by` of a time within the batch): most
        questions need only a batch's first and last, and many batches are never asked.
        The same sum either way, so the same times.

        A batch that arrives among those already here (from a source with a shorter lead
        time) is merged with the batches it overlaps, so batches never overlap: the units
        are in time order whichever source sent them.
        """
        if isinstance(times, np.ndarray):
            times = KnownTimes(times)
        if not times.count:
            return
        if span is not None:
            first, last = span
        else:
            first, last = times.span()
            if lead is not None:  # the sums ``times + lead`` would hold
                shift = lead.item()
                first, last = first + shift, last + shift
        lasts, ends = self._lasts, self._ends
        if lasts and first < lasts[-1]:
            cut = bisect_right(lasts, first)
            earlier = [self._times(k) for k in range(cut, len(lasts))]
            own = times.times() if lead is None else times.times() + lead
            times = KnownTimes(np.sort(np.concatenate([*earlier, own])))
            lead = None
            del self._batches[cut:], self._leads[cut:], self._firsts[cut:], lasts[cut:], ends[cut:]
            first, last = times.span()
        ends.append((ends[-1] if ends else 0) + times.count)
        self._batches.append(times)
        self._leads.append(lead)
        self._firsts.append(first)
        lasts.append(last)
        # The new last batch ends last: it begins after every batch before it, or took
        # in all those it overlapped.
        self.last = last

    def _times(self, k: int) -> np.ndarray:
        """The arrival month-times of batch ``k``, the lead time added now if not yet."""
        times, lead = self._batches[k].times(), self._leads[k]
        if lead is not None:
            times = times + lead
            self._batches[k] = KnownTimes(times)
            self._leads[k] = None
        return times

    def by(self, until: float) -> int:
        """Units here by month-time ``until`` (at it included).

        The batch that holds ``until`` is the last one that begins by it; every unit of
        the batches before it has arrived.
        """
        k = bisect_right(self._firsts, until) - 1
        if k < 0:
            return 0
        if self._lasts[k] <= until:
            return self._ends[k]
        batch = self._times(k)
        return self._ends[k] - len(batch) + int(batch.searchsorted(until, side="right"))

    def take(self, start: int, stop: int, step: int) -> np.ndarray:
        """The month-times of every ``step``-th unit from position ``start`` to before
        ``stop`` (positions count from the first unit to arrive)."""
        if start >= stop:
            return np.empty(0)
        ends = self._ends
        first = bisect_right(ends, start)
        last = bisect_left(ends, stop)
        batch = self._times(first)
        offset = ends[first] - len(batch)
        if first == last:
            return batch[start - offset : stop - offset : step]
        pieces = [batch[start - offset :], *map(self._times, range(first + 1, last))]
        batch = self._times(last)
        pieces.append(batch[: stop - (ends[last] - len(batch))])
        return np.concatenate(pieces)[::step]


__all__ = ["Arrivals"]
