"""Arrival times kept in batches count and slice as one sorted list of units would."""

from __future__ import annotations

import bisect
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.arrivals import Arrivals

batches = st.lists(
    st.lists(st.integers(0, 40).map(lambda q: q / 4), min_size=0, max_size=12).map(sorted),
    min_size=1,
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(batches=batches, probes=st.lists(st.integers(-2, 44).map(lambda q: q / 4), max_size=8))
def test_batches_count_as_one_sorted_list(batches: list[list[float]], probes: list[float]) -> None:
    arrivals, units = Arrivals(), []
    for batch in batches:
        arrivals.add(np.array(batch, dtype=float))
        units = sorted(units + batch)
        assert len(arrivals) == len(units)
        assert arrivals.last == (units[-1] if units else -math.inf)
    for until in probes:
        assert arrivals.by(until) == bisect.bisect_right(units, until)


@settings(max_examples=300, deadline=None)
@given(batches=batches, data=st.data())
def test_taking_every_kth_unit_matches_the_list(
    batches: list[list[float]], data: st.DataObject
) -> None:
    arrivals, units = Arrivals(), []
    for batch in batches:
        arrivals.add(np.array(batch, dtype=float))
        units = sorted(units + batch)
    start = data.draw(st.integers(0, len(units)))
    stop = data.draw(st.integers(start, len(units)))
    step = data.draw(st.integers(1, 3))
    assert arrivals.take(start, stop, step).tolist() == units[start:stop:step]


def test_a_batch_arriving_among_others_is_merged_into_time_order() -> None:
    arrivals = Arrivals()
    arrivals.add(np.array([5.0, 6.0]))
    arrivals.add(np.array([1.0, 5.5, 7.0]))  # a shorter lead time: arrives first
    assert arrivals.take(0, 5, 1).tolist() == [1.0, 5.0, 5.5, 6.0, 7.0]
    assert (arrivals.by(0.5), arrivals.by(5.0), arrivals.by(9.0)) == (0, 2, 5)


@settings(max_examples=200, deadline=None)
@given(
    batches=batches,
    leads=st.lists(st.sampled_from([None, 0.0, 0.25, 1.5, 3.0]), min_size=10, max_size=10),
    probes=st.lists(st.integers(-2, 60).map(lambda q: q / 4), max_size=8),
    data=st.data(),
)
def test_a_batch_given_with_its_lead_time_is_the_batch_of_its_arrivals(
    batches: list[list[float]], leads: list[float | None], probes: list[float], data: st.DataObject
) -> None:
    shipped, arrived = Arrivals(), Arrivals()
    for batch, lead in zip(batches, leads, strict=False):
        times = np.array(batch, dtype=float)
        if lead is None:
            shipped.add(times)
            arrived.add(times)
        else:
            shipped.add(times, lead=np.array(lead))
            arrived.add(times + np.array(lead))
        probe = data.draw(st.integers(-2, 60).map(lambda q: q / 4))
        assert shipped.by(probe) == arrived.by(probe)
    assert len(shipped) == len(arrived)
    for until in probes:
        assert shipped.by(until) == arrived.by(until)
    stop = len(arrived)
    start = data.draw(st.integers(0, stop))
    step = data.draw(st.integers(1, 3))
    assert shipped.take(start, stop, step).tolist() == arrived.take(start, stop, step).tolist()
