"""Capacity as a rate in month-time: its exact integral, and the time a level is reached.

A capacity is a piecewise-linear rate (units per month) in month-time
(:mod:`capsim.model.timebase`): flat, stepped or ramped between schedule points, plus
expansions (a step up from their effective time), times zero during outages. Its
integral, the *capacity level* ``C(t)``, is piecewise quadratic; a unit of work that
starts at level ``c`` is done at the time ``C`` reaches ``c + 1``. This is the fluid
view of a production rate used in rate-based production planning (Hopp and Spearman,
*Factory Physics*, 3rd ed., ch. 7): output over any interval is the integral of the
rate, with no daily or monthly ticks.

On the paths every stretch of work takes, a choice between two numbers is written as a
conditional expression: ``b if b > a else a`` is ``max(a, b)`` and ``b if b < a else a``
is ``min(a, b)`` (``0 if a < 0 else a`` is ``max(a, 0)``), the same operand for every
input (ties, signed zeros and NaN alike), at a fifth of the cost of a call of the builtin.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from capsim.model.finish_times import (
    NO_TIMES,
    NONE_FINISHED,
    BackToBackTimes,
    FinishTimes,
    KnownTimes,
    by,
    whole_numbers,
)
from capsim.model.timebase import TimeBase
from capsim.scenario.base import Interpolation, RatePoint

_ZERO = np.array(0.0)
_TWO = np.array(2.0)
"""Numbers of the ramp's root as 0-d arrays (see :class:`_Piece`), read-only."""
_ZERO.flags.writeable = _TWO.flags.writeable = False


class _Piece(NamedTuple):
    """One piece of a curve: its numbers as 0-d arrays.

    An array operation with a Python float converts the float to an array first, at a
    cost of about a third of the operation; the paths that work out every unit's level
    or time keep the numbers they use as arrays, made once for the piece. The arithmetic
    is the same (float64 either way), and so is every result, bit for bit.
    """

    below: np.ndarray
    """The level at the piece's start."""
    rate: np.ndarray
    """The rate at its start."""
    knot: np.ndarray
    """The month-time of its start."""
    half_slope: np.ndarray
    """``0.5 * slope``."""
    twice_slope: np.ndarray
    """``2.0 * slope``."""
    rate_squared: np.ndarray
    """``rate * rate``."""


class CapacityCurve:
    """The capacity level ``C(t)`` of one line or supplier, in units, at month-time ``t``.

    >>> curve = CapacityCurve.constant(10.0)
    >>> curve.level(2.5), float(curve.time_at(np.array([25.0]))[0])
    (25.0, 2.5)
    """

    def __init__(
        self,
        knots: Sequence[float] | np.ndarray,
        rates: Sequence[float] | np.ndarray,
        slopes: Sequence[float] | np.ndarray,
    ) -> None:
        self._knots = np.asarray(knots, dtype=float)
        self._rates = np.asarray(rates, dtype=float)
        self._slopes = np.asarray(slopes, dtype=float)
        widths = np.diff(self._knots)
        pieces = self._rates[:-1] * widths + 0.5 * self._slopes[:-1] * widths**2
        self._levels = np.concatenate(([0.0], np.cumsum(pieces)))
        # Plain lists for one value at a time: numpy's call overhead dominates there.
        self._knot_list = self._knots.tolist()
        self._level_list = self._levels.tolist()
        self._rate_list = self._rates.tolist()
        self._slope_list = self._slopes.tolist()
        self._pieces: dict[int, _Piece] = {}
        """Pieces' numbers as 0-d arrays, by piece (:meth:`_piece`)."""
        self._flat = [
            slope == 0.0 and rate > 0.0 and math.sqrt(rate * rate) == rate
            for rate, slope in zip(self._rate_list, self._slope_list, strict=True)
        ]
        """Whether each piece is flat at a positive rate whose square's root is the rate
        itself (barring overflow, always): there the root of :meth:`time_at` is
        ``rest / rate`` bit for bit (:meth:`_time_at_on_piece`)."""

    @classmethod
    def constant(cls, rate: float) -> CapacityCurve:
        """A rate that never changes."""
        return cls([0.0], [rate], [0.0])

    @classmethod
    def from_schedule(
        cls,
        schedule: float | tuple[RatePoint, ...],
        timebase: TimeBase,
        interpolation: Interpolation = Interpolation.STEP,
        steps: Sequence[tuple[float, float]] = (),
        outages: Sequence[tuple[float, float]] = (),
    ) -> CapacityCurve:
        """Build from a scenario rate schedule, added ``steps`` (month-time, units a month)
        and ``outages`` (month-time intervals of zero capacity).

        The schedule is flat before its first point and after its last; between points it
        steps, or ramps linearly in month-time.

        Curves are immutable, so equal inputs share one curve: the replications of a
        scenario build each line's and each supplier's curve once (a supplier's random
        outages differ from one replication to the next, and make curves of their own).
        """
        return _schedule_curve(schedule, timebase, interpolation, tuple(steps), tuple(outages))

    def level(self, time: float) -> float:
        """Units of capacity from month-time 0 to ``time``."""
        k = bisect.bisect_right(self._knot_list, time) - 1
        if k < 0:  # max(k, 0) (see the module's note)
            k = 0
        width = time - self._knot_list[k]
        level: float = (
            self._level_list[k]
            + self._rate_list[k] * width
            + 0.5 * self._slope_list[k] * width * width
        )
        return level

    def between(self, begin: float, end: float) -> float:
        """Units of capacity from month-time ``begin`` to ``end``."""
        return self.level(end) - self.level(begin)

    def time_at_level(self, level: float) -> float:
        """:meth:`time_at` of one level."""
        k = bisect.bisect_left(self._level_list, level) - 1
        if k < 0:
            k = 0
        last = len(self._knot_list) - 1
        return self._root(level, last if last < k else k)

    def _root(self, level: float, k: int) -> float:
        """:meth:`time_at_level` of a level reached on piece ``k`` (the piece it finds)."""
        rest = level - self._level_list[k]
        if rest < 0.0:
            rest = 0.0
        if rest <= 0.0:
            return float(self._knot_list[k])
        rate, slope = self._rate_list[k], self._slope_list[k]
        square = rate * rate + 2.0 * slope * rest
        denominator = rate + math.sqrt(0.0 if square < 0.0 else square)
        if denominator <= 0.0:
            return math.inf
        return float(self._knot_list[k] + 2.0 * rest / denominator)

    def times_at_levels(self, low: float, high: float) -> tuple[float, float]:
        """:meth:`time_at_level` of two levels, ``low <= high``, with the bits
        :meth:`time_at` gives them in an array.

        When both lie on one flat piece (almost always), the root is that of
        :meth:`_time_at_on_piece`, worked out once for the piece; on one ramp, each is
        the root on that piece, the one :meth:`time_at_level` would find.
        """
        k = self._piece_of_levels(low, high)
        if k is None:
            return self.time_at_level(low), self.time_at_level(high)
        if self._flat[k]:
            rate, below, knot = self._rate_list[k], self._level_list[k], self._knot_list[k]
            return (low - below) / rate + knot, (high - below) / rate + knot
        return self._root(low, k), self._root(high, k)

    def levels(self, times: np.ndarray) -> np.ndarray:
        """:meth:`level` of many times at once."""
        k = np.maximum(self._knots.searchsorted(times, side="right") - 1, 0)
        width = times - self._knots[k]
        result: np.ndarray = (
            self._levels[k] + self._rates[k] * width + 0.5 * self._slopes[k] * width**2
        )
        return result

    def time_at(self, levels: np.ndarray) -> np.ndarray:
        """The first month-time at which the capacity level reaches each of ``levels``.

        ``inf`` where the level is never reached (the capacity ends at zero).
        """
        levels = np.asarray(levels, dtype=float)
        if not len(levels):
            return np.empty(0)
        piece = self._piece_of_levels(float(levels.min()), float(levels.max()))
        if piece is not None:
            return self._time_at_on_piece(levels, piece)
        last = len(self._knots) - 1
        k = np.minimum(np.maximum(self._levels.searchsorted(levels, side="left") - 1, 0), last)
        rest = np.maximum(levels - self._levels[k], 0.0)
        rate, slope = self._rates[k], self._slopes[k]
        # The stable root of slope/2 x² + rate x = rest.
        denominator = rate + np.sqrt(np.maximum(rate * rate + 2.0 * slope * rest, 0.0))
        width = np.full(len(levels), np.inf)
        np.divide(2.0 * rest, denominator, out=width, where=denominator > 0.0)
        width[rest <= 0.0] = 0.0
        return np.asarray(self._knots[k] + width, dtype=float)

    def _time_at_ascending(self, levels: np.ndarray, spare: bool = False) -> np.ndarray:
        """:meth:`time_at` of levels in ascending order, as a server's completions are.

        The first and the last level find the piece without a pass over the array.
        ``spare`` levels may be overwritten (:meth:`_time_at_on_piece`).
        """
        if len(levels):
            piece = self._piece_of_levels(levels.item(0), levels.item(-1))
            if piece is not None:
                return self._time_at_on_piece(levels, piece, spare)
        return self.time_at(levels)

    def _levels_ascending(self, times: np.ndarray) -> np.ndarray:
        """:meth:`levels` of times in ascending order, as a server's releases are.

        When the first and the last time lie on one piece, all do: its numbers are then
        scalars, with the same arithmetic as the general path.
        """
        if len(times):
            knots = self._knot_list
            k = bisect.bisect_right(knots, times.item(0)) - 1
            end = bisect.bisect_right(knots, times.item(-1)) - 1
            if (0 if k < 0 else k) == (0 if end < 0 else end):
                k = 0 if k < 0 else k
                piece = self._piece(k)
                width = times - piece.knot
                if not self._slope_list[k]:
                    # A flat piece: its slope's term is +0.0, and adding it changes no
                    # level (none is -0.0: levels start at +0.0 and never fall).
                    flat: np.ndarray = piece.rate * width
                    flat += piece.below  # ``below + rate * width``: addition commutes
                    return flat
                # ``below + rate * width + half_slope * width**2``, in two arrays (each sum
                # and product commutes exactly; ``width**2`` is ``width * width``).
                on_piece: np.ndarray = piece.rate * width
                on_piece += piece.below
                width *= width
                width *= piece.half_slope
                on_piece += width
                return on_piece
        return self.levels(times)

    def _piece_of_levels(self, low: float, high: float) -> int | None:
        """The piece past whose start every level from ``low`` to ``high`` is reached."""
        levels = self._level_list
        k = bisect.bisect_left(levels, low) - 1
        if k < 0:
            return None
        # ``bisect_left(levels, high) - 1 == k``, read off the piece's two ends: every
        # level up to the k-th lies below ``high``, and the next (if any) does not.
        following = k + 1
        if following == len(levels):
            return k if levels[k] < high else None
        return k if levels[k] < high and levels[following] >= high else None

    def _time_at_on_piece(self, levels: np.ndarray, k: int, spare: bool = False) -> np.ndarray:
        """:meth:`time_at` of levels all reached past the start of piece ``k``.

        A month's work almost always lies on one piece, and most pieces are flat. The
        piece's numbers are then scalars and, on a flat piece, so is the root's
        denominator: a few array operations instead of the general path's twenty, with
        the same arithmetic. Given ``spare`` levels (an array the caller no longer
        needs), a flat piece works the times out in it, without new arrays.
        """
        rate, slope = self._rate_list[k], self._slope_list[k]
        if self._flat[k]:
            # The root's 2·rest / (rate + rate) is rest / rate bit for bit: doubling is
            # exact, and equal quotients round alike. (The square root of a square is
            # the number itself in binary floating point, barring overflow: checked.)
            piece = self._piece(k)
            if spare:  # the same three operations, in place (addition commutes exactly)
                levels -= piece.below
                levels /= piece.rate
                levels += piece.knot
                return levels
            width = (levels - piece.below) / piece.rate
            flat: np.ndarray = piece.knot + width
            return flat
        if slope == 0.0 and rate > 0.0:
            rest: np.ndarray = levels - self._level_list[k]
            width = 2.0 * rest / (rate + math.sqrt(rate * rate))
        elif rate > 0.0:
            # A ramp from a positive rate: the denominator is at least the rate, so no
            # division needs guarding. The same operations, in place in two arrays (each
            # sum and product commutes exactly).
            piece = self._piece(k)
            rest = levels - piece.below
            denominator = rest * piece.twice_slope
            denominator += piece.rate_squared
            np.maximum(denominator, _ZERO, out=denominator)
            np.sqrt(denominator, out=denominator)
            denominator += piece.rate
            rest *= _TWO
            rest /= denominator
            rest += piece.knot
            return rest
        else:
            rest = levels - self._level_list[k]
            denominator = rate + np.sqrt(np.maximum(rate * rate + 2.0 * slope * rest, 0.0))
            width = np.full(len(levels), np.inf)
            np.divide(2.0 * rest, denominator, out=width, where=denominator > 0.0)
        result: np.ndarray = self._knot_list[k] + width
        return result

    def _piece(self, k: int) -> _Piece:
        """Piece ``k``'s numbers as 0-d arrays (made when first asked for)."""
        piece = self._pieces.get(k)
        if piece is None:
            rate, slope = self._rate_list[k], self._slope_list[k]
            piece = self._pieces[k] = _Piece(
                *map(np.array, (self._level_list[k], rate, self._knot_list[k], 0.5 * slope,
                                2.0 * slope, rate * rate))
            )  # fmt: skip
        return piece

    def rate(self, time: float) -> float:
        """The rate at ``time``, in units per month."""
        k = max(bisect.bisect_right(self._knot_list, time) - 1, 0)
        return float(self._rate_list[k] + self._slope_list[k] * (time - self._knot_list[k]))


@lru_cache(maxsize=256)
def _schedule_curve(
    schedule: float | tuple[RatePoint, ...],
    timebase: TimeBase,
    interpolation: Interpolation,
    steps: tuple[tuple[float, float], ...],
    outages: tuple[tuple[float, float], ...],
) -> CapacityCurve:
    """:meth:`CapacityCurve.from_schedule`, built once for equal inputs (a time base is
    shared between runs by :func:`~capsim.model.timebase.timebase_for`)."""
    if isinstance(schedule, tuple):
        point_times = timebase.month_times(
            np.array([timebase.date_day(point.date) for point in schedule], dtype=float)
        )
        point_rates = np.array([point.rate for point in schedule], dtype=float)
    else:
        point_times, point_rates = np.array([0.0]), np.array([float(schedule)])
    knots = {0.0}
    knots.update(float(t) for t in point_times if t > 0.0)
    knots.update(t for t, _ in steps if t > 0.0)
    for begin, end in outages:
        knots.update(t for t in (begin, end) if t > 0.0)
    times = np.array(sorted(knots))
    if interpolation is Interpolation.LINEAR:
        base = np.interp(times, point_times, point_rates)
        following = np.append(times[1:], times[-1] + 1.0)
        slopes = (np.interp(following, point_times, point_rates) - base) / (following - times)
        slopes[-1] = 0.0
    else:
        index = np.searchsorted(point_times, times, side="right") - 1
        base = point_rates[np.clip(index, 0, len(point_rates) - 1)]
        slopes = np.zeros_like(times)
    for effective, added in steps:
        base = base + np.where(times >= effective, added, 0.0)
    running = np.ones_like(times)
    for begin, end in outages:
        running[(times >= begin) & (times < end)] = 0.0
    return CapacityCurve(times, base * running, slopes * running)


def completion_levels(free_level: float, release_levels: np.ndarray) -> np.ndarray:
    """Capacity levels at which jobs of one start each finish, worked one at a time.

    Job ``j`` starts when it is released and the job before it is done, and takes one
    unit of capacity: ``u_j = max(C(r_j), u_{j-1}) + 1`` with ``u_{-1} = free_level``.
    The recursion is a running maximum (Lindley's recursion for a single-server queue,
    in capacity units), so it runs without a Python loop.

    >>> completion_levels(0.0, np.array([0.0, 0.0, 5.0])).tolist()
    [1.0, 2.0, 6.0]
    """
    count = len(release_levels)
    if not count:
        return np.empty(0)
    total = whole_numbers(1, count)
    start: np.ndarray = release_levels - whole_numbers(0, count)  # ``total - 1.0``, exactly
    # The running maximum carries the free level from the first job on: raising only
    # the first gives every later maximum the same value as raising them all.
    first = start.item(0)
    start[0] = free_level if free_level > first else first  # max(first, free_level)
    np.maximum.accumulate(start, out=start)
    start += total
    return start


def _jobs_begun(floor: float, offset: int, below: float, count: int) -> int:
    """How many of ``count`` jobs worked back to back from level ``floor`` have begun by
    the level ``below``: job ``j`` begins at ``(floor + (j + offset)) - 1.0``, rounded as
    the array of :meth:`RateServer.work` holds it. What ``searchsorted`` finds in that
    array, found by stepping from a guess within a step or two of the answer instead of
    building it."""
    found = math.ceil(below - floor) - offset + 1
    found = 0 if found < 0 else found
    found = count if count < found else found
    while found < count and (floor + (found + offset)) - 1.0 < below:
        found += 1
    while found > 0 and not (floor + (found - 1 + offset)) - 1.0 < below:
        found -= 1
    return found


def _jobs_ended(floor: float, offset: int, reach: float, count: int) -> int:
    """How many of ``count`` jobs worked back to back from level ``floor`` have ended by
    the level ``reach``: job ``j`` ends at ``floor + (j + offset)`` (see
    :func:`_jobs_begun`)."""
    found = math.floor(reach - floor) - offset + 1
    found = 0 if found < 0 else found
    found = count if count < found else found
    while found < count and floor + (found + offset) <= reach:
        found += 1
    while found > 0 and not floor + (found - 1 + offset) <= reach:
        found -= 1
    return found


_new = tuple.__new__
"""Makes a named tuple from its fields, as ``Work(...)`` does, without the class's own
``__new__``: a function of Python that costs as much again, at every stretch of work."""

LEVEL_TOLERANCE = 1e-9
"""Capacity units below which two levels are the same (floating-point dust)."""


class RateServer:
    """One-at-a-time work at a capacity curve: a line's assembly or a supplier's shop.

    Jobs are units (with the starts each needs). The caller offers the jobs waiting, in
    order, the one in progress (if any) first; the server remembers only the capacity
    level at which that one ends. Capacity not used while idle is lost, as on a line.

    A stretch of work, from month-time ``start`` to ``until``, is given to each method as
    the curve's levels at its ends, ``begin = curve.level(start)`` and ``limit =
    curve.level(until)`` (:meth:`levels`): a stretch asks the server several things, and
    the levels are looked up once for all of them.
    """

    def __init__(self, curve: CapacityCurve) -> None:
        self.curve = curve
        """The capacity curve worked at (changed only by :meth:`switch_curve`)."""
        self.free_level = 0.0
        """Capacity level at which the server last became free (or will, when busy)."""
        self.busy = False
        """Whether a job is in progress (the first offered; it ends at ``free_level``)."""
        self._last_until = math.nan
        self._last_limit = math.nan
        """The end of the last stretch :meth:`levels` was asked for, and its level."""

    def switch_curve(self, curve: CapacityCurve) -> None:
        """Work at ``curve`` from now on (a funded expansion's new curve)."""
        self.curve = curve
        self._last_until = math.nan  # a level of the old curve is not one of the new

    def levels(self, start: float, until: float) -> tuple[float, float]:
        """The capacity levels at month-times ``start`` and ``until``, on the curve now.

        A node's stretches follow one another, so the level at a stretch's start is
        usually the one worked out at the end of the stretch before: it is kept.
        """
        level = self.curve.level
        begin = self._last_limit if start == self._last_until else level(start)
        limit = level(until)
        self._last_until, self._last_limit = until, limit
        return begin, limit

    def room(self, begin: float, limit: float) -> int:
        """Most jobs that can be worked on in the stretch from level ``begin`` to ``limit``."""
        free = self.free_level
        # The level the work goes on from: ``free`` when busy, else max(free, begin).
        floor = begin if not self.busy and begin > free else free
        room = math.floor(limit - floor + LEVEL_TOLERANCE)
        return (0 if room < 0 else room) + 1 + self.busy

    def idle(self, begin: float, limit: float) -> float:
        """Capacity units idle in the stretch from level ``begin`` to ``limit`` with
        nothing to do."""
        if self.busy:
            return 0.0
        free = self.free_level
        idle = limit - (begin if begin > free else free)
        return 0.0 if idle < 0.0 else idle

    def work_backlog(self, begin: float, limit: float, until: float, count: int) -> Work:
        """:meth:`work` for ``count`` one-unit jobs all ready by the stretch's start, in
        closed form.

        The jobs follow one another without a gap, so job ``k`` (the one in progress is
        the first) ends at ``base + k``. Capacity is idle after the last job only when
        all ``count`` are done.
        """
        free = self.free_level
        base = free - 1.0 if self.busy else (begin if begin > free else free)
        finished = math.floor(limit - base + LEVEL_TOLERANCE)
        finished = 0 if finished < 0 else finished
        finished = count if count < finished else finished
        following = finished < count and base + finished < limit - LEVEL_TOLERANCE
        started = finished + following
        busy = int(self.busy)
        started = busy if busy > started else started
        self.busy = started > finished
        self.free_level = base + finished + (1.0 if self.busy else 0.0)
        times = BackToBackTimes(self.curve, base, 1, finished, until)
        idle_after = limit - self.free_level if finished == count else 0.0
        idle_after = 0.0 if idle_after < 0.0 else idle_after
        return _new(Work, (started, finished, times, NO_TIMES, idle_after))

    def work(self, begin: float, limit: float, until: float, releases: np.ndarray) -> Work:
        """Work the offered jobs, one start each, in the stretch to month-time ``until``.

        ``releases`` are the month-times at which the jobs are ready, in order (ignored for
        the job in progress).
        """
        if not self.busy and not len(releases):
            return self._idle(begin, limit)
        curve = self.curve
        carried = int(self.busy)
        floor = self.free_level
        if carried:
            release_levels = curve._levels_ascending(releases[1:])
            ends = np.concatenate(([floor], completion_levels(floor, release_levels)))
        else:
            floor = begin if begin > floor else floor
            release_levels = curve._levels_ascending(releases)
            ends = completion_levels(floor, release_levels)
        return self._worked(limit, until, ends, floor, release_levels)

    def work_ready(self, begin: float, limit: float, until: float, count: int) -> Work:
        """:meth:`work` for ``count`` one-start jobs all ready by the stretch's start (the
        one in progress, if any, first): the same arithmetic, in closed form.

        Jobs ready by the start never wait for release, so each begins as the one before
        it ends: job ``j`` ends at level ``floor + j + offset`` (offset 0 for the job in
        progress, which ends at ``floor``; 1 otherwise) and begins one unit before. The
        two searches of :meth:`_worked` over those levels become searches over ``j``,
        each level computed with the same rounding as the array would hold, so the
        result is bit for bit what :meth:`work` gives. The finish times are worked out
        only when asked (:class:`~capsim.model.finish_times.BackToBackTimes`). Nothing
        waits, so there are no gaps.
        """
        carried = int(self.busy)
        if not carried and not count:
            return self._idle(begin, limit)
        floor = self.free_level
        if not carried and begin > floor:
            floor = begin
        offset = 1 - carried
        # Jobs begun: those whose first level lies below the limit (by the tolerance).
        started = _jobs_begun(floor, offset, limit - LEVEL_TOLERANCE, count)
        finished = _jobs_ended(floor, offset, limit + LEVEL_TOLERANCE, count)
        started = carried if carried > started else started
        self.busy = started > finished
        if self.busy:
            self.free_level = floor + (finished + offset)
            idle_after = 0.0
        else:
            self.free_level = floor + (finished - 1 + offset) if finished else floor
            idle_after = limit - self.free_level
            idle_after = 0.0 if idle_after < 0.0 else idle_after
        times = BackToBackTimes(self.curve, floor, offset, finished, until)
        return _new(Work, (started, finished, times, NO_TIMES, idle_after))

    def _worked(
        self, limit: float, until: float, ends: np.ndarray, floor: float, release_levels: np.ndarray
    ) -> Work:
        """Settle a call of :meth:`work`: jobs end at capacity levels ``ends`` and begin
        one unit before; the server was free from level ``floor``. ``release_levels`` of
        the jobs not in progress give the gaps before each."""
        curve = self.curve
        carried = int(self.busy)
        finished = int(ends.searchsorted(limit + LEVEL_TOLERANCE, side="right"))
        # A job has begun once some capacity has gone into it, its begin level
        # (``ends - 1.0``, looked up, not made) below the limit: the finished ones have,
        # and of the rest (a unit's capacity apart) at most the first.
        below = limit - LEVEL_TOLERANCE
        started = finished
        while started < len(ends) and ends.item(started) - 1.0 < below:
            started += 1
        started = carried if carried > started else started
        fresh = started - carried  # at least 0: started is at least carried
        previous = np.concatenate(([floor], ends[carried : carried + fresh - 1]))
        gaps = np.maximum(release_levels[:fresh] - previous[:fresh], 0.0)
        self.busy = started > finished
        if self.busy:
            self.free_level = ends.item(finished)
            idle_after = 0.0
        else:
            self.free_level = ends.item(finished - 1) if finished else floor
            idle_after = limit - self.free_level
            idle_after = 0.0 if idle_after < 0.0 else idle_after
        # ``ends`` has served: its finished part becomes their finish times.
        times = by(curve._time_at_ascending(ends[:finished], spare=True), until)
        return _new(Work, (started, finished, KnownTimes(times), gaps, idle_after))

    def _idle(self, begin: float, limit: float) -> Work:
        """:meth:`work` with no job offered: every unit of capacity is idle.

        A line waiting for kits offers nothing about half the time; this skips the
        twenty array operations of :meth:`work` on empty arrays.
        """
        idle_after = self.idle(begin, limit)
        free = self.free_level
        self.free_level = begin if begin > free else free
        return _new(Work, (0, 0, NONE_FINISHED, NO_TIMES, idle_after))


class Work(NamedTuple):
    """What a server did in one call: jobs started, finish times, capacity left idle."""

    started: int
    """Offered jobs started by the end (the one in progress included)."""
    finished: int
    """Offered jobs finished by the end: the first ``finished``."""
    finished_at: FinishTimes
    """Month-times at which they finished (worked out when asked)."""
    gaps: np.ndarray
    """Capacity units idle before each newly started job, waiting for it to be ready."""
    idle_after: float
    """Capacity units idle after the last job, with nothing ready to start."""

    @property
    def finish_times(self) -> np.ndarray:
        """Month-times at which they finished."""
        return self.finished_at.times()


__all__ = ["CapacityCurve", "RateServer", "Work", "completion_levels"]
