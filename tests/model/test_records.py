"""The recorder: series registered in groups, and lists made arrays when first read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import capsim
from capsim.model.records import Recorder, series_key, series_keys
from capsim.model.world import World

ROOT = Path(__file__).resolve().parents[2]


def test_groups_register_what_single_calls_register() -> None:
    one, group = Recorder(3), Recorder(3)
    single = [one.new_series("line", "a", metric, "s") for metric in ("x", "y")]
    lists = group.new_series_group(series_keys("line", "a", ("x", "y"), "s"))
    block = group.new_arrays(series_keys("stockpile", "p", ("z",), "s", "h"))
    one.add_array("stockpile", "p", "z", np.zeros(3), "s", "h")
    assert lists == single and lists[0] is not lists[1]
    block[0][1] = 2.0  # the caller fills the block's rows in place
    lists[1][2] = 5
    one.freeze()
    group.freeze()
    assert list(group.series) == list(one.series)
    assert group.series[series_key("stockpile", "p", "z", "s", "h")].tolist() == [0.0, 2.0, 0.0]
    assert group.series[series_key("line", "a", "y", "s")].dtype == np.float64


def test_a_series_read_alone_is_the_one_every_series_gives() -> None:
    scenario = capsim.load_scenario(ROOT / "scenarios/munitions_portfolio/baseline.yaml")
    alone, together = World(scenario, 3).run(), World(scenario, 3).run()
    keys = list(together.series)
    for key in keys[::2]:  # some read one by one first, the others made with all of them
        alone.monthly(key)
    assert list(alone.series) == keys
    for key in keys:
        left, right = alone.series[key], together.series[key]
        assert left.dtype == right.dtype == np.float64
        assert left.tobytes() == right.tobytes()
        assert together.monthly(key) is right


def test_series_is_empty_until_the_run_is_over() -> None:
    recorder = Recorder(2)
    values = recorder.new_series("line", "a", "x")
    assert recorder.series == {}
    values[0] = 1
    recorder.freeze()
    assert recorder.series[series_key("line", "a", "x")].tolist() == [1.0, 0.0]
