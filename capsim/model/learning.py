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
    return float(curve.first_unit_cost * np.sum(np.arange(1, units + 1, dtype=float) ** b))


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
    numbers = np.arange(first + 1, first + batch + 1, dtype=float)
    return float(curve.first_unit_cost * np.sum(numbers**b))
