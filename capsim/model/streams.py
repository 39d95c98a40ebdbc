"""Named random streams: one numpy Generator per stochastic element, from one seed."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

POOL_WORDS = 4
"""Words of numpy's ``SeedSequence`` entropy pool (its default ``pool_size``)."""

_WORD = 0xFFFFFFFF
_SEEDS_BELOW = 2 ** (32 * POOL_WORDS)
"""Seeds of at most :data:`POOL_WORDS` words: those :func:`stream` hands over whole."""


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


@lru_cache(maxsize=4096)
def _entropy_template(replication: int, name: str) -> np.ndarray:
    """The entropy ``SeedSequence`` assembles for a seed of up to :data:`POOL_WORDS`
    words and the spawn key ``(replication, stream_key(name))``, with zeros for the seed.

    numpy's rule (``SeedSequence.get_assembled_entropy``): the seed's 32-bit words, least
    significant first, padded with zero words to the pool's size when there is a spawn
    key, then the words of each integer of the spawn key in turn.
    """
    words = [0] * POOL_WORDS
    for value in (replication, stream_key(name)):
        words.append(value & _WORD)
        value >>= 32
        while value:
            words.append(value & _WORD)
            value >>= 32
    template = np.array(words, dtype=np.uint32)
    template.flags.writeable = False
    return template


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
    if (
        type(seed) is int
        and type(replication) is int
        and 0 <= seed < _SEEDS_BELOW
        and replication >= 0
    ):
        # The entropy SeedSequence would assemble from the seed and the spawn key, given
        # to it whole (the seed's words written over the template's zeros): the pool
        # mixed from it, so every draw, is the same, and the spawn key's words, kept per
        # name, are not worked out again at each run (pinned by a test).
        entropy = _entropy_template(replication, name).copy()
        index = 0
        while seed:
            entropy[index] = seed & _WORD
            seed >>= 32
            index += 1
        sequence = np.random.SeedSequence(entropy)
    else:  # negative, huge or odd seeds: as numpy builds (or refuses) them
        sequence = np.random.SeedSequence(seed, spawn_key=(replication, stream_key(name)))
    return np.random.Generator(np.random.PCG64(sequence))
