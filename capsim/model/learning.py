"""Learning curves: the cost of units against cumulative output."""

from __future__ import annotations

import math

import numpy as np

from capsim.scenario.production import LearningCurve, LearningTheory


def learning_exponent(slope: float) -> float:
    """The exponent b = log2(slope): cost falls by ``slope`` per doubling of output.

    >>> round(learning_exponent(0.8), 3)
    -0.322
    """
    return math.log2(slope)


def cumulative_cost(curve: LearningCurve, units: int) -> float:
    """Total cost in USD of units 1..``units`` (counting from the first unit ever built).

    Under Wright's cumulative-average theory the average cost of the first N units is
    T1·N^b, so the total is T1·N^(b+1) in closed form. Under Crawford's unit theory the
    N-th unit costs T1·N^b and the total is the sum. Both are as in the GAO Cost
    Estimating and Assessment Guide (GAO-20-195G, appendix on learning curves).

    >>> from capsim.scenario.production import LearningCurve
    >>> round(cumulative_cost(LearningCurve(first_unit_cost=100.0, slope=0.8), 2))
    160
    """
    if units <= 0:
        return 0.0
    b = learning_exponent(curve.slope)
    if curve.theory is LearningTheory.CUMULATIVE_AVERAGE:
        return float(curve.first_unit_cost * units ** (b + 1.0))
    return curve.first_unit_cost * _power_sum(1, units, b)


def batch_cost(curve: LearningCurve, built_before: int, batch: int) -> float:
    """Cost in USD of ``batch`` more units after ``built_before`` in the scenario.

    ``prior_units`` built before the scenario started count toward the position on the
    curve.
    """
    if batch <= 0:
        return 0.0
    first = curve.prior_units + built_before
    if curve.theory is LearningTheory.CUMULATIVE_AVERAGE:
        return cumulative_cost(curve, first + batch) - cumulative_cost(curve, first)
    b = learning_exponent(curve.slope)
    return curve.first_unit_cost * _power_sum(first + 1, first + batch, b)


EXACT_TERMS = 4096
"""Terms of a power sum added one by one; the rest by Euler–Maclaurin."""


def _power_sum(first: int, last: int, exponent: float) -> float:
    """Sum of n**exponent for n = first..last, in bounded memory and time.

    Up to ``EXACT_TERMS`` terms are summed exactly; beyond, the Euler–Maclaurin formula
    with two correction terms, whose error for n > 4096 and -1 < exponent <= 0 is far
    below a dollar on any realistic first-unit cost.
    """
    if last < first:
        return 0.0
    split = min(last, first + EXACT_TERMS - 1)
    total = float(np.sum(np.arange(first, split + 1, dtype=float) ** exponent))
    if split == last:
        return total
    a, c = float(split + 1), float(last)
    if exponent == -1.0:
        integral = math.log(c / a)
    else:
        integral = (c ** (exponent + 1) - a ** (exponent + 1)) / (exponent + 1)
    ends = (a**exponent + c**exponent) / 2
    slopes = exponent * (c ** (exponent - 1) - a ** (exponent - 1)) / 12
    return float(total + integral + ends + slopes)
