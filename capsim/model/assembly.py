"""One stretch of work at a production node (a line or a supplier): starts, kits, yield.

Both kinds of node make units one after another at their capacity rate
(:class:`~capsim.model.capacity.RateServer`), each start as soon as the node is free and
a kit of its bill of materials is at hand; a start fails inspection with probability
``1 - yield`` and is made again from a new kit, so a good unit takes a geometric number
of starts. This module works one stretch of time for either kind.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from capsim.model.capacity import RateServer
from capsim.model.context import Inspection, starts_for
from capsim.model.finish_times import NONE_FINISHED, FinishTimes
from capsim.model.kit import NO_WORK, Kit

_new = tuple.__new__
"""Makes a named tuple from its fields, as ``Stretch(...)`` does, without the class's own
``__new__`` (a function of Python that costs as much again)."""


class Stretch(NamedTuple):
    """What a node did between two times."""

    started: int
    """Units newly started (each took a kit)."""
    finished_at: FinishTimes
    """Month-times at which good units were finished, in order (worked out when asked)."""
    scrapped: int
    """Starts that ended and failed inspection."""
    idle: dict[str, float]
    """Capacity units left idle, by reason: a component awaited, or :data:`NO_WORK`."""


def _idle(reason: str, capacity: float) -> Stretch:
    """A stretch in which nothing was started: its capacity idle for ``reason``."""
    return _new(Stretch, (0, NONE_FINISHED, 0, {reason: capacity}))


def work_stretch(
    server: RateServer, inspection: Inspection, kit: Kit, start: float, until: float, jobs: int
) -> Stretch:
    """Work from month-time ``start`` to ``until`` toward ``jobs`` good units.

    ``jobs`` counts the unit in progress, if any. Idle capacity is put down to the
    component whose kit came last before each start, or, after the last start, to the
    component that ran out (or to having no work left).
    """
    # Choices between two numbers as conditional expressions, as in
    # :mod:`~capsim.model.capacity` (``b if b > a else a`` is ``max(a, b)``).
    carried = int(server.busy)
    jobs = carried if carried > jobs else jobs
    begin, limit = server.levels(start, until)  # the stretch, as capacity levels
    if not jobs:
        return _idle(NO_WORK, server.idle(begin, limit))
    billed = bool(kit.parts)
    if not billed:
        # Without a bill of materials no start waits for a kit: the kit is not asked.
        if inspection.perfect:
            done = server.work_backlog(begin, limit, until, jobs)
            idle_after = {NO_WORK: done.idle_after}
            return _new(Stretch, (done.started - carried, done.finished_at, 0, idle_after))
        most, shortest = server.room(begin, limit), NO_WORK
    else:
        at_hand, shortest = kit.whole_kits(until)
        room, most = server.room(begin, limit), carried + at_hand
        most = most if most < room else room
        if not most:
            # Nothing in progress and a component out: the stretch waited for it throughout.
            return _idle(shortest, server.idle(begin, limit))
    perfect = inspection.perfect
    if perfect:  # every start passes: a start a unit, and no draws to look at
        offered = most if most < jobs else jobs
    else:
        passes = inspection.peek(most)
        starts = starts_for(passes, jobs)
        offered = carried if carried > starts else starts
        passes = passes[:offered]
    fresh = offered - carried
    gating: np.ndarray | None = None
    short = kit.short_at(start, fresh) if billed else []
    if not short:
        # Every kit is here by the start (always so without a bill): no start waits.
        done = server.work_ready(begin, limit, until, offered)
    else:
        ready, gating = kit.ready_times(fresh, short)
        releases = np.maximum(ready, start)
        if carried:
            releases = np.concatenate(([start], releases))
        done = server.work(begin, limit, until, releases)
    # What stops the next start: no work left, or the component with the fewest kits.
    stopped_by = None
    if done.idle_after:
        passing = offered if perfect else np.count_nonzero(passes)
        stopped_by = NO_WORK if passing >= jobs else shortest
    if not perfect:  # a yield of 1 draws nothing, and takes no draws
        inspection.take(done.finished)
    newly = done.started - carried
    idle: dict[str, float] = {}
    if newly > 0 and billed:
        kit.use(newly)
        if gating is not None:
            waited = np.bincount(gating[:newly], weights=done.gaps, minlength=len(kit.names))
            for name, amount in zip(kit.names, waited.tolist(), strict=True):
                if amount:
                    idle[name] = amount
        elif short and len(done.gaps):
            # One component was short and came last for every start: its wait is the
            # gaps added in order, as ``bincount`` adds them in its one bin (a running
            # sum adds in order too; numpy's ``sum`` adds in pairs).
            amount = done.gaps.cumsum().item(-1)
            if amount:
                idle[kit.names[short[0]]] = amount
    if stopped_by is not None:
        idle[stopped_by] = idle.get(stopped_by, 0.0) + done.idle_after
    if perfect:
        return _new(Stretch, (newly, done.finished_at, 0, idle))
    good = done.finished_at.passed(passes[: done.finished])
    return _new(Stretch, (newly, good, done.finished - good.count, idle))


__all__ = ["Stretch", "work_stretch"]
