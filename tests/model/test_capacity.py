"""The rate server: exact integrals of capacity, and its closed form against its recursion."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.capacity import (
    LEVEL_TOLERANCE,
    CapacityCurve,
    RateServer,
    Work,
    completion_levels,
)
from capsim.model.finish_times import FinishTimes, KnownTimes, whole_numbers


def test_levels_and_times_are_inverse_over_a_ramp_and_an_outage() -> None:
    curve = CapacityCurve([0.0, 2.0, 3.0, 5.0], [20.0, 0.0, 40.0, 60.0], [10.0, 0.0, 10.0, 0.0])
    times = np.array([0.5, 1.7, 3.2, 6.0])
    assert np.allclose(curve.time_at(curve.levels(times)), times)
    assert curve.level(2.0) == curve.level(2.5)  # no capacity during the outage
    assert curve.time_at(np.array([curve.level(2.0)]))[0] == 2.0  # reached at its start


def test_jobs_wait_for_release_and_for_each_other() -> None:
    assert completion_levels(0.0, np.array([0.0, 0.5, 10.0])).tolist() == [1.0, 2.0, 11.0]


@given(st.integers(0, 1), st.sampled_from([0, 1, 7, 4094, 4095, 4096, 5000]))
def test_whole_numbers_are_an_arange_and_read_only(first: int, count: int) -> None:
    numbers = whole_numbers(first, count)
    assert numbers.tobytes() == np.arange(float(first), first + count).tobytes()
    assert not numbers.flags.writeable


@settings(max_examples=200, deadline=None)
@given(
    rates=st.lists(st.sampled_from([0.0, 0.5, 3.0, 10.0, 40.0]), min_size=1, max_size=4),
    steps=st.lists(st.floats(0.01, 1.5), min_size=1, max_size=12),
    count=st.integers(0, 60),
)
def test_the_closed_form_for_a_backlog_matches_the_recursion(
    rates: list[float], steps: list[float], count: int
) -> None:
    knots = [float(i) for i in range(len(rates))]
    closed = RateServer(CapacityCurve(knots, rates, [0.0] * len(rates)))
    general = RateServer(CapacityCurve(knots, rates, [0.0] * len(rates)))
    left_closed = left_general = count
    time = 0.0
    for step in steps:
        until = time + step
        a = closed.work_backlog(*closed.levels(time, until), until, left_closed)
        b = general.work(*general.levels(time, until), until, np.full(left_general, time))
        assert (a.started, a.finished) == (b.started, b.finished)
        assert np.allclose(a.finish_times, b.finish_times)
        assert (closed.busy, closed.free_level) == (general.busy, general.free_level)
        left_closed -= a.finished
        left_general -= b.finished
        time = until


def _assert_one_by_one_as_the_array(finished: FinishTimes) -> None:
    """A unit's finish time worked out alone has the bits of the array's element."""
    if not finished.count:
        return
    times = finished.times()
    units = sorted({0, 1, finished.count // 2, finished.count - 1} & set(range(finished.count)))
    alone = np.array([finished.times_of(unit, unit)[0] for unit in units])
    assert alone.tobytes() == times[units].tobytes()
    assert np.array(finished.span()).tobytes() == times[[0, -1]].tobytes()


def _ready_by_arrays(server: RateServer, start: float, until: float, count: int) -> Work:
    """The array form of :meth:`RateServer.work_ready`: every job's levels, searched."""
    curve, carried = server.curve, int(server.busy)
    if carried:
        floor = server.free_level
        ends = np.concatenate(([floor], floor + np.arange(1.0, count)))
    else:
        floor = max(server.free_level, curve.level(start))
        ends = floor + np.arange(1.0, count + 1)
    limit = curve.level(until)
    started = max(int((ends - 1.0).searchsorted(limit - LEVEL_TOLERANCE, side="left")), carried)
    finished = int(ends.searchsorted(limit + LEVEL_TOLERANCE, side="right"))
    server.busy = started > finished
    if server.busy:
        server.free_level, idle_after = float(ends[finished]), 0.0
    else:
        server.free_level = float(ends[finished - 1]) if finished else floor
        idle_after = max(limit - server.free_level, 0.0)
    times = np.minimum(curve.time_at(ends[:finished]), until)
    return Work(started, finished, KnownTimes(times), np.zeros(0), idle_after)


@settings(max_examples=300, deadline=None)
@given(
    rates=st.lists(st.sampled_from([0.0, 0.7, 3.0, 10.0, 1234.5]), min_size=1, max_size=4),
    slopes=st.lists(st.sampled_from([0.0, 0.0, 1.5, 33.0]), min_size=4, max_size=4),
    # Steps of a quarter or a half month put levels on whole units, where ties are decided.
    steps=st.lists(st.sampled_from([0.25, 0.5]) | st.floats(0.01, 1.5), min_size=1, max_size=10),
    counts=st.lists(st.integers(0, 3000), min_size=10, max_size=10),
)
def test_the_closed_form_for_ready_jobs_is_bit_for_bit_the_array_form(
    rates: list[float], slopes: list[float], steps: list[float], counts: list[int]
) -> None:
    knots = [0.0, 1.0, 2.5, 3.0][: len(rates)]
    curve = CapacityCurve(knots, rates, [*slopes[: len(rates) - 1], 0.0])
    closed, arrays = RateServer(curve), RateServer(curve)
    time = 0.0
    for step, count in zip(steps, counts, strict=False):
        until = time + step
        offered = max(count, int(closed.busy))
        a = closed.work_ready(*closed.levels(time, until), until, offered)
        b = _ready_by_arrays(arrays, time, until, offered)
        assert (a.started, a.finished, a.idle_after) == (b.started, b.finished, b.idle_after)
        assert a.finish_times.tobytes() == b.finish_times.tobytes()
        _assert_one_by_one_as_the_array(a.finished_at)
        assert (closed.busy, closed.free_level) == (arrays.busy, arrays.free_level)
        time = until
