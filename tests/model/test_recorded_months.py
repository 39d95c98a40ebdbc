"""Months recorded for ascending days (a stockpile's arrivals), as for any days."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.timebase import timebase_for


@settings(max_examples=300, deadline=None)
@given(
    months=st.integers(1, 30),
    days=st.lists(st.integers(-8, 4 * 950).map(lambda q: q / 4), max_size=60).map(sorted),
)
def test_ascending_days_are_recorded_in_the_time_bases_months(
    months: int, days: list[float]
) -> None:
    timebase = timebase_for(dt.date(2024, 1, 1), months, 10)
    array = np.array(days, dtype=float)
    expected = timebase.recorded_months(array)
    got = timebase.recorded_months_ascending(array)
    assert got.dtype == expected.dtype
    assert got.tolist() == expected.tolist()
