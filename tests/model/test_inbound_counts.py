"""A component stock's counts on hand and at a month's close, whatever it asked before.

The stock answers some questions without searching its arrivals (everything arrived, or
the month's end asked already by the buyer's last stretch): the answers must be those of
one sorted list of every unit's arrival, even when a shipment from the shelf arrives at
the very time asked before (a zero lead time, at a month's end).
"""

from __future__ import annotations

import bisect

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.model.finish_times import KnownTimes
from capsim.model.inbound import Inbound
from capsim.model.records import Recorder, series_key

MONTHS = 6

times = st.integers(0, 4 * MONTHS).map(lambda q: q / 4)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.lists(times, min_size=1, max_size=5).map(sorted),
                  st.sampled_from([None, 0.0, 0.5, 1.0, 2.25])),
        st.tuples(st.just("ask"), times),
        st.tuples(st.just("use"), st.integers(0, 3)),
        st.tuples(st.just("close")),
    ),
    max_size=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_counts_match_one_sorted_list(steps: list[tuple]) -> None:
    recorder = Recorder(MONTHS)
    inbound = Inbound("line", "part", [], None, 0, recorder)
    units: list[float] = []
    expected: dict[int, tuple[int, int]] = {}
    month = 0
    for step in steps:
        if step[0] == "receive":
            _, shipped, lead = step
            array = np.array(shipped, dtype=float)
            if lead is None:
                inbound.receive(KnownTimes(array))
                units = sorted(units + shipped)
            else:
                inbound.receive(KnownTimes(array), np.array(lead))
                units = sorted(units + [time + lead for time in shipped])
        elif step[0] == "use":
            here = bisect.bisect_right(units, float(month + 1)) - inbound.used
            inbound.used += min(step[1], max(here, 0))
        elif step[0] == "ask":
            until = step[1]
            assert inbound.on_hand(until) == bisect.bisect_right(units, until) - inbound.used
        elif month < MONTHS:
            arrived = bisect.bisect_right(units, float(month + 1))
            expected[month] = (arrived - inbound.used, len(units) - arrived)
            inbound.close_month(month)
            month += 1
    recorder.freeze()
    for closed, (on_hand, in_transit) in expected.items():
        key = "line.part"
        inventory = recorder.monthly(series_key("component_stock", key, "inventory", "", "part"))
        transit = recorder.monthly(series_key("component_stock", key, "in_transit", "", "part"))
        assert (inventory[closed], transit[closed]) == (on_hand, in_transit)


def test_a_shipment_from_the_shelf_at_the_month_end_counts_after_a_stretch_asked() -> None:
    inbound = Inbound("line", "part", [], None, 0, Recorder(MONTHS))
    inbound.receive(KnownTimes(np.array([0.5, 3.5])))
    assert inbound.on_hand(1.0) == 1  # the stretch to the month's end asks
    inbound.receive(KnownTimes(np.array([1.0, 1.0])))  # from the shelf, at that time
    inbound.close_month(0)
    assert (inbound._inventory[0], inbound._transit[0]) == (3, 1)
