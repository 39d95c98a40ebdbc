"""Named random streams: one numpy Generator per stochastic element, from one seed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4096)
def stream_key(name: str) -> int:
    """The spawn-key word of an element: its full name's SHA-256 digest, as one integer
    (kept for the names of recent runs: replications ask for the same names).

    The whole 256-bit digest is used (not a 32-bit checksum), so two names share a stream
    only if SHA-256 collides.

    >>> stream_key("demands.h9") == stream_key("demands.h73240")
    False
    """
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest(), "big")


def stream(seed: int, name: str, replication: int = 0) -> np.random.Generator:
    """The random stream of the element ``name`` in replication ``replication``.

    The stream's ``SeedSequence`` is the root seed with spawn key
    ``(replication, stream_key(name))``, so each element's draws depend only on the seed,
    the replication and its own full name: adding a supplier leaves the demand draws
    unchanged, and replication ``k`` draws the same numbers in every variant of a scenario.

    >>> a = stream(7, "demands.training").integers(0, 100, 3)
    >>> b = stream(7, "demands.training").integers(0, 100, 3)
    >>> bool((a == b).all())
    True
    """
    key = (replication, stream_key(name))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


StreamMaker = Callable[[], np.random.Generator]
"""An element's stream, made when first asked for (the same generator after that)."""


def lazy_stream(seed: int, name: str, replication: int = 0) -> StreamMaker:
    """:func:`stream`, made only when the element first draws: lines and suppliers at a
    yield of 1 and without disruptions never do, and making a generator costs about as
    much as a month of a line's work. The draws are those of :func:`stream`.

    >>> maker = lazy_stream(7, "lines.plant")
    >>> maker() is maker() and float(maker().random()) == float(stream(7, "lines.plant").random())
    True
    """
    return _LazyStream(seed, name, replication)


class _LazyStream:
    """The stream of one element, made at the first call (a plain object: wrapping a
    function in ``functools.cache`` costs more than the few calls it saves)."""

    __slots__ = ("_made", "_name", "_replication", "_seed")

    def __init__(self, seed: int, name: str, replication: int) -> None:
        self._seed = seed
        self._name = name
        self._replication = replication
        self._made: np.random.Generator | None = None

    def __call__(self) -> np.random.Generator:
        if self._made is None:
            self._made = stream(self._seed, self._name, self._replication)
        return self._made
