"""Named random streams: one numpy Generator per stochastic element, from one seed."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, replication: int = 0) -> np.random.Generator:
    """The random stream of the element ``name`` in replication ``replication``.

    The stream's ``SeedSequence`` is the root seed with spawn key
    ``(replication, crc32(name))``, so each element's draws depend only on the seed, the
    replication and its own name: adding a supplier leaves the demand draws unchanged,
    and replication ``k`` draws the same numbers in every variant of a scenario.

    >>> a = stream(7, "demands.training").integers(0, 100, 3)
    >>> b = stream(7, "demands.training").integers(0, 100, 3)
    >>> bool((a == b).all())
    True
    """
    key = (replication, zlib.crc32(name.encode("utf-8")))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
