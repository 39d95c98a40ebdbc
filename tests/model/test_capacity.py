"""The rate server: exact integrals of capacity, and its closed form against its recursion."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.capacity import CapacityCurve, RateServer, completion_levels


def test_levels_and_times_are_inverse_over_a_ramp_and_an_outage() -> None:
    curve = CapacityCurve([0.0, 2.0, 3.0, 5.0], [20.0, 0.0, 40.0, 60.0], [10.0, 0.0, 10.0, 0.0])
    times = np.array([0.5, 1.7, 3.2, 6.0])
    assert np.allclose(curve.time_at(curve.levels(times)), times)
    assert curve.level(2.0) == curve.level(2.5)  # no capacity during the outage
    assert curve.time_at(np.array([curve.level(2.0)]))[0] == 2.0  # reached at its start


def test_jobs_wait_for_release_and_for_each_other() -> None:
    assert completion_levels(0.0, np.array([0.0, 0.5, 10.0])).tolist() == [1.0, 2.0, 11.0]


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
        a = closed.work_backlog(time, until, left_closed)
        b = general.work(time, until, np.full(left_general, time))
        assert (a.started, a.finished) == (b.started, b.finished)
        assert np.allclose(a.finish_times, b.finish_times)
        assert (closed.busy, closed.free_level) == (general.busy, general.free_level)
        left_closed -= a.finished
        left_general -= b.finished
        time = until
