"""Finish times worked out when asked: the same numbers as the arrays they stand for."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.capacity import CapacityCurve
from capsim.model.finish_times import BackToBackTimes, KnownTimes


@settings(max_examples=200, deadline=None)
@given(
    passes=st.lists(st.booleans(), min_size=1, max_size=60),
    floor=st.floats(0.0, 5000.0),
    until=st.floats(0.0, 12.0),
)
def test_the_units_that_passed_keep_the_times_and_span_of_the_boolean_subset(
    passes: list[bool], floor: float, until: float
) -> None:
    curve = CapacityCurve([0.0, 2.0, 3.0], [700.0, 0.0, 900.0], [0.0, 0.0, 12.5])
    everything = BackToBackTimes(curve, floor, 1, len(passes), until)
    mask = np.array(passes)
    good = everything.passed(mask)
    expected = everything.times()[mask]
    assert good.count == int(mask.sum())
    assert good.times().tobytes() == expected.tobytes()
    if good.count:
        assert np.array(good.span()).tobytes() == expected[[0, -1]].tobytes()
    if mask.all():
        assert good is everything  # nothing to pick


def test_known_times_are_their_array() -> None:
    times = np.array([0.5, 0.75, 2.0])
    known = KnownTimes(times)
    assert known.times() is times
    assert (known.count, known.span(), known.times_of(1, 2)) == (3, (0.5, 2.0), (0.75, 2.0))


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(1, 80),
    cut=st.data(),
    floor=st.floats(0.0, 5000.0),
    until=st.floats(0.0, 12.0),
)
def test_a_part_has_the_times_and_span_of_its_slice_of_the_whole(
    count: int, cut: st.DataObject, floor: float, until: float
) -> None:
    curve = CapacityCurve([0.0, 2.0, 3.0], [700.0, 0.0, 900.0], [0.0, 0.0, 12.5])
    whole = BackToBackTimes(curve, floor, 1, count, until)
    first = cut.draw(st.integers(0, count - 1))
    units = cut.draw(st.integers(1, count - first))
    part = whole.part(first, units)
    expected = BackToBackTimes(curve, floor, 1, count, until).times()[first : first + units]
    assert part.count == units
    assert np.array(part.span()).tobytes() == expected[[0, -1]].tobytes()
    assert part.times().tobytes() == expected.tobytes()
    assert whole.part(0, count) is whole  # all of it: itself
