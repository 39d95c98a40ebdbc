"""Random streams are keyed by an element's full name, never by a short hash."""

from __future__ import annotations

import numpy as np
import pytest

from capsim.model.streams import stream, stream_key


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


@pytest.mark.parametrize("seed", [0, 1, 7, 2**32 - 1, 2**32, 2**64 + 3, 2**128 - 1, 2**128, 2**200])
@pytest.mark.parametrize("replication", [0, 1, 2**32 + 1])
def test_stream_is_numpys_seed_sequence_with_the_spawn_key(seed: int, replication: int) -> None:
    # stream() hands SeedSequence the entropy it would assemble itself: same state,
    # same draws, same children.
    for name in ("lines.a", "demands.training", "suppliers.x"):
        plain = np.random.SeedSequence(seed, spawn_key=(replication, stream_key(name)))
        expected = np.random.Generator(np.random.PCG64(plain))
        got = stream(seed, name, replication)
        assert got.bit_generator.state == expected.bit_generator.state
        assert got.spawn(1)[0].random() == expected.spawn(1)[0].random()


def test_odd_seeds_are_refused_as_numpy_refuses_them() -> None:
    with pytest.raises(ValueError):
        stream(-1, "lines.a")
    with pytest.raises(TypeError):
        stream(1.5, "lines.a")  # type: ignore[arg-type]
