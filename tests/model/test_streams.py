"""Random streams are keyed by an element's full name, never by a short hash."""

from __future__ import annotations

import numpy as np

from capsim.model.streams import stream


def test_names_with_equal_crc32_draw_different_streams() -> None:
    # crc32("demands.h9") == crc32("demands.h73240"): under the old 32-bit key these two
    # demands drew identical Poisson counts in every month.
    first = stream(1, "demands.h9").poisson(5.0, 2400)
    second = stream(1, "demands.h73240").poisson(5.0, 2400)
    assert not np.array_equal(first, second)
    assert (first == second).mean() < 0.5


def test_same_name_same_stream_and_replications_differ() -> None:
    assert stream(3, "lines.a").random() == stream(3, "lines.a").random()
    assert stream(3, "lines.a", 0).random() != stream(3, "lines.a", 1).random()
