"""Paired differences with t intervals, and bands across replications."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

CONFIDENCE = 0.95
"""Confidence level of the paired interval on a difference."""
BAND = (5.0, 95.0)
"""Percentiles of the band drawn and tabulated across replications."""


@dataclass(frozen=True)
class PairedDifference:
    """Mean of per-replication differences (variant − baseline) and its t interval.

    ``low`` and ``high`` are NaN when fewer than two pairs have both values.
    """

    mean: float
    low: float
    high: float
    pairs: int

    @property
    def excludes_zero(self) -> bool | None:
        """Whether the interval lies wholly above or below zero; None without an interval."""
        if math.isnan(self.low) or math.isnan(self.high):
            return None
        return bool(self.low > 0 or self.high < 0)


def paired_difference(
    baseline: ArrayLike, variant: ArrayLike, confidence: float = CONFIDENCE
) -> PairedDifference:
    """Paired t interval on ``variant - baseline``, replication by replication.

    Replication ``k`` of both scenarios uses the same random numbers (common random
    numbers), so the differences ``d_k`` are independent across ``k`` and the interval is
    ``mean(d) ± t(1 - α/2, n - 1) · sd(d) / √n``. Pairs where either value is NaN are
    left out. Identical runs give ``d_k = 0`` and the interval ``[0, 0]``.

    >>> result = paired_difference([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 6.0, 8.0, 10.0])
    >>> round(result.mean, 3), round(result.low, 3), round(result.high, 3)
    (3.0, 1.037, 4.963)
    """
    base = np.asarray(baseline, dtype=float)
    other = np.asarray(variant, dtype=float)
    both = np.isfinite(base) & np.isfinite(other)
    differences = other[both] - base[both]
    pairs = int(differences.size)
    if pairs == 0:
        return PairedDifference(math.nan, math.nan, math.nan, 0)
    mean = float(differences.mean())
    if pairs < 2:
        return PairedDifference(mean, math.nan, math.nan, pairs)
    spread = float(differences.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, pairs - 1)) * spread / math.sqrt(pairs)
    return PairedDifference(mean, mean - half, mean + half, pairs)


def band(values: ArrayLike) -> tuple[float, float, float]:
    """Median and the 5 and 95 percentiles of the finite values; NaN where undefined.

    With one value the band is that value's median alone (the percentiles are NaN).

    >>> band([3.0])
    (3.0, nan, nan)
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return math.nan, math.nan, math.nan
    median = float(np.median(finite))
    if finite.size < 2:
        return median, math.nan, math.nan
    low, high = np.percentile(finite, BAND)
    return median, float(low), float(high)


__all__ = ["BAND", "CONFIDENCE", "PairedDifference", "band", "paired_difference"]
