"""What every component of a run shares: the clock, the calendar, the records, and sync."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy

from capsim.calendar import Calendar
from capsim.model.records import Recorder
from capsim.model.streams import StreamMaker
from capsim.model.timebase import TimeBase, snap


def _nothing() -> None:
    """The sync of a context that no world has wired yet."""


@dataclass
class Context:
    """The shared parts of one run, handed to each component as it is built.

    ``sync`` brings every continuous process (production, supply, demand) up to the
    SimPy clock's ``now``. Anything that changes the state of the model at an event
    calls it first, so that what happened before the event is settled at its own time.
    """

    env: simpy.Environment
    calendar: Calendar
    timebase: TimeBase
    recorder: Recorder
    sync: Callable[[], None] = field(default=_nothing)
    _clock: tuple[float, float] = field(default=(math.nan, math.nan), init=False, repr=False)
    """The clock and its month-time when last asked: many ask at one instant."""

    @property
    def now_month_time(self) -> float:
        """The SimPy clock in month-time."""
        now = self.env.now
        clock, month_time = self._clock
        if now != clock:
            month_time = self.timebase.month_time(snap(now))
            self._clock = (now, month_time)
        return month_time

    @property
    def month(self) -> int:
        """Index of the month the clock is in (clamped to the horizon)."""
        month, last = self.timebase.month_of_day(self.env.now), self.calendar.months - 1
        return last if last < month else month  # min(month, last), without a builtin call


class Inspection:
    """Which starts pass inspection, at a yield: Bernoulli draws, taken in order.

    Each start of a unit takes one unit of capacity and one kit; it passes with
    probability ``yield`` and is scrapped otherwise (then the unit is started again).
    Draws come in fixed blocks from the element's own stream, so the numbers a run uses
    do not depend on when the model asks for them; a yield of 1 draws nothing (its stream
    is never made).
    """

    BLOCK = 256
    """Draws are taken from the stream in whole blocks of this many."""
    AT_LEAST = 16
    """Blocks drawn at least at once: one call for thousands of draws costs far less than
    one every few hundred starts, and a run of a node with a yield makes thousands."""

    def __init__(self, yield_: float, rng: StreamMaker) -> None:
        self._yield = yield_
        self._rng = rng
        self._buffer = np.empty(0, dtype=bool)
        self._cursor = 0
        self.perfect = yield_ >= 1.0
        """Whether every start passes (a yield of 1): read at every stretch of work."""

    def peek(self, count: int) -> np.ndarray:
        """Whether each of the next ``count`` starts passes, without taking them."""
        if self.perfect:
            # Every start passes: views of one read-only array of passes, grown as needed.
            if len(self._buffer) < count:
                self._buffer = np.ones(max(count, 2 * len(self._buffer)), dtype=bool)
                self._buffer.flags.writeable = False
            return self._buffer[:count]
        short = count - (len(self._buffer) - self._cursor)
        if short > 0:
            # Whole blocks, several at once: the same draws as one block at a time.
            blocks = max(-(-short // self.BLOCK), self.AT_LEAST)
            more = self._rng().random(blocks * self.BLOCK) < self._yield
            self._buffer = np.concatenate((self._buffer[self._cursor :], more))
            self._cursor = 0
        return self._buffer[self._cursor : self._cursor + count]

    def take(self, count: int) -> None:
        """Consume ``count`` draws (starts that ended)."""
        if self._yield < 1.0:
            self._cursor += count


def starts_for(passes: np.ndarray, good: int) -> int:
    """Starts, from the first, that give ``good`` passes (all of them if they do not).

    >>> starts_for(np.array([True, False, True, True]), 2)
    3
    """
    if good <= 0:
        return 0
    if good >= len(passes):
        return len(passes)  # there are no more starts
    # Where each start passed: the good-th of them is the last start needed (a running
    # count of the passes finds it too, with a cast of every draw to an integer first).
    passed = passes.nonzero()[0]
    return int(passed[good - 1]) + 1 if good <= len(passed) else len(passes)
