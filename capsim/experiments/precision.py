"""How many replications: the confidence-interval method of Hoad, Robinson and Davies (2010).

Hoad, K., Robinson, S. and Davies, R. (2010). "Automated selection of the number of
replications for a discrete-event simulation". *Journal of the Operational Research
Society* 61(11), 1632–1644. doi:10.1057/jors.2009.121
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_REPLICATIONS = 3
"""The method starts from three replications (Hoad et al. 2010, § 3)."""


@dataclass(frozen=True)
class Precision:
    """The precision of a KPI's mean after ``replications`` runs, and the runs needed.

    ``relative_half_width`` is the half-width of the confidence interval of the mean over
    the absolute mean. ``needed`` is the method's N_sol when it was found within the runs
    made (``enough`` is then true), else an estimate from the classical formula
    ``n = (t s / (d |mean|))²`` (``estimated`` true); NaN when the mean is 0 or undefined.
    """

    replications: int
    mean: float
    half_width: float
    relative_half_width: float
    target: float
    enough: bool
    needed: float
    estimated: bool


def look_ahead(k_limit: int, n: int) -> int:
    """Replications that must stay within precision after N_sol: f(kLimit, n).

    ``kLimit`` up to 100 replications, then ``kLimit`` per cent of ``n`` (Hoad et al.
    2010, eq. 3).

    >>> look_ahead(5, 40), look_ahead(5, 400)
    (5, 20)
    """
    return k_limit if n <= 100 else math.ceil(k_limit * n / 100)


def replications_needed(
    values: np.ndarray, relative: float = 0.05, confidence: float = 0.95, k_limit: int = 5
) -> Precision:
    """Apply the method to KPI values in replication order.

    For each n from 3, the cumulative mean and standard deviation give the relative
    half-width ``d_n = t(n-1, 1-α/2) s_n / (sqrt(n) |mean_n|)``. N_sol is the first n with
    ``d_n <= relative`` that stays so for the next ``f(kLimit, n)`` replications; the
    look-ahead guards against stopping on a chance early convergence.

    >>> rng = np.random.default_rng(1)
    >>> result = replications_needed(rng.normal(100, 10, 200), relative=0.02)
    >>> result.enough, result.needed
    (True, 74.0)
    """
    from scipy.stats import t as student_t

    if not 0 < relative < 1 or not 0 < confidence < 1:
        raise ValueError("relative precision and confidence must lie between 0 and 1")
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    n = data.size
    if n < MIN_REPLICATIONS:
        nan = float("nan")
        return Precision(n, nan, nan, nan, relative, False, nan, True)
    counts = np.arange(1, n + 1)
    means = np.cumsum(data) / counts
    # Welford-free cumulative variance: fine in float64 for KPI magnitudes.
    squares = np.cumsum(data**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        variances = np.maximum(squares - counts * means**2, 0.0) / (counts - 1)
        quantiles = student_t.ppf(0.5 + confidence / 2, np.maximum(counts - 1, 1))
        half_widths = quantiles * np.sqrt(variances / counts)
        precision = half_widths / np.abs(means)
    within = precision <= relative
    found = float("nan")
    for index in range(MIN_REPLICATIONS - 1, n):
        size = index + 1
        last = index + look_ahead(k_limit, size)
        if last >= n:
            break
        if within[index : last + 1].all():
            found = float(size)
            break
    mean, half_width, relative_half_width = means[-1], half_widths[-1], precision[-1]
    if not math.isnan(found):
        return Precision(
            n, mean, half_width, relative_half_width, relative, True, found, estimated=False
        )
    if mean == 0 or not np.isfinite(relative_half_width):
        estimate = float("nan")
    else:
        s = math.sqrt(variances[-1])
        estimate = float(math.ceil((quantiles[-1] * s / (relative * abs(mean))) ** 2))
        estimate = max(estimate, float(n + 1))
    return Precision(
        n, mean, half_width, relative_half_width, relative, False, estimate, estimated=True
    )


__all__ = ["MIN_REPLICATIONS", "Precision", "look_ahead", "replications_needed"]
