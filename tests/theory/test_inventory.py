"""The oracle formulas against brute-force simulations of the systems they describe.

Each simulation follows the stock event by event (no Poisson lead-time-demand or
Erlang formula inside) with numpy, long enough that the oracle must be within four
standard errors, estimated from batch means.
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.theory import inventory

FloatArray = NDArray[np.float64]
Z = 4.0  # tolerance in standard errors
BATCHES = 50


def _poisson_dates(rng: np.random.Generator, rate: float, months: float) -> FloatArray:
    """Arrival dates (months) of a Poisson process: a Poisson count of sorted uniforms."""
    return np.sort(rng.uniform(0.0, months, rng.poisson(rate * months)))


def _mean_and_error(values: FloatArray) -> tuple[float, float]:
    """Mean of ``values`` and its standard error from ``BATCHES`` batch means."""
    batches = np.array([batch.mean() for batch in np.array_split(values, BATCHES)])
    return float(batches.mean()), float(batches.std(ddof=1) / np.sqrt(BATCHES))


def _assert_close(estimate: tuple[float, float], expected: float) -> None:
    mean, error = estimate
    assert abs(mean - expected) <= Z * error + 1e-12, (mean, error, expected)


def _net_inventory(
    start: int, rises: FloatArray, falls: FloatArray, at: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Net inventory just before each fall, and at the times ``at``.

    Rises (+1) come before falls (-1) at the same date.
    """
    dates = np.concatenate((rises, falls))
    steps = np.concatenate((np.ones(rises.size), -np.ones(falls.size)))
    order = np.argsort(dates, kind="stable")
    level = start + np.cumsum(steps[order])
    before = (level - steps[order])[steps[order] < 0]
    sampled = start + np.concatenate(([0.0], np.cumsum(steps[order])))
    return before, sampled[np.searchsorted(dates[order], at, side="right")]


@pytest.mark.parametrize(("level", "rate", "lead"), [(22, 10.0, 2.0), (3, 0.5, 4.0)])
def test_base_stock_with_backorders(level: int, rate: float, lead: float) -> None:
    rng = np.random.default_rng(11)
    months = 40_000 / rate
    demands = _poisson_dates(rng, rate, months)
    arrivals = demands + lead  # one unit ordered per demand, arriving after the lead time
    samples = np.linspace(lead * 5, months, 20_000)
    before, net = _net_inventory(level, arrivals, demands, samples)
    warm = demands > lead * 5
    expected = inventory.base_stock_backorders(level, rate, lead)
    _assert_close(_mean_and_error((before[warm] > 0).astype(float)), expected.fill_rate)
    _assert_close(_mean_and_error(np.maximum(-net, 0.0)), expected.backorders)
    _assert_close(_mean_and_error(np.maximum(net, 0.0)), expected.on_hand)
    _assert_close(_mean_and_error((net <= 0).astype(float)), expected.stockout_probability)


def _lost_sales(
    level: int, demands: FloatArray, leads: FloatArray, samples: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per demand, whether it was served; and stock on hand at the sample dates."""
    on_hand = level
    pending: list[float] = []  # arrival dates of units in resupply, as a heap
    served = np.zeros(demands.size, dtype=bool)
    sampled = np.zeros(samples.size)
    queue = deque(samples.tolist())
    for index, date in enumerate(demands.tolist()):
        while queue and queue[0] < date:
            moment = queue.popleft()
            while pending and pending[0] <= moment:
                heapq.heappop(pending)
                on_hand += 1
            sampled[samples.size - len(queue) - 1] = on_hand
        while pending and pending[0] <= date:
            heapq.heappop(pending)
            on_hand += 1
        if on_hand:
            on_hand -= 1
            served[index] = True
            heapq.heappush(pending, date + float(leads[index]))
    return served.astype(float), sampled


@pytest.mark.parametrize("lead_law", ["fixed", "exponential", "uniform"])
def test_base_stock_with_lost_sales_is_insensitive_to_the_lead_time_law(lead_law: str) -> None:
    level, rate, lead = 22, 10.0, 2.0
    rng = np.random.default_rng(12)
    months = 30_000 / rate
    demands = _poisson_dates(rng, rate, months)
    leads = {
        "fixed": np.full(demands.size, lead),
        "exponential": rng.exponential(lead, demands.size),
        "uniform": rng.uniform(0.0, 2 * lead, demands.size),
    }[lead_law]
    samples = np.linspace(10 * lead, months - 1.0, 10_000)
    served, on_hand = _lost_sales(level, demands, leads, samples)
    warm = demands > 10 * lead
    expected = inventory.base_stock_lost_sales(level, rate, lead)
    _assert_close(_mean_and_error(served[warm]), expected.fill_rate)
    _assert_close(_mean_and_error(on_hand), expected.on_hand)
    _assert_close(_mean_and_error((on_hand == 0).astype(float)), expected.stockout_probability)


@pytest.mark.parametrize(
    ("level", "rate", "review", "lead"), [(35, 10.0, 1.0, 2.0), (40, 8.0, 3.0, 1.5)]
)
def test_periodic_order_up_to_with_backorders(
    level: int, rate: float, review: float, lead: float
) -> None:
    rng = np.random.default_rng(13)
    periods = 20_000
    months = periods * review
    demands = _poisson_dates(rng, rate, months)
    reviews = review * np.arange(1, periods)
    # Order-up-to with backorders: each review orders the demand since the last review.
    ordered = np.diff(np.searchsorted(demands, np.concatenate(([0.0], reviews)), side="right"))
    arrivals = np.repeat(reviews + lead, ordered)
    ends = np.asarray(reviews[5:-5] + lead - 1e-9, dtype=np.float64)  # before an arrival
    before, net = _net_inventory(level, arrivals, demands, ends)
    # Cycle k runs from the arrival of order k to just before that of order k + 1.
    cycle = np.searchsorted(reviews + lead, demands, side="right")
    warm = (cycle > 5) & (cycle < periods - 5)
    unmet = np.bincount(cycle[warm], weights=(before[warm] <= 0), minlength=periods)[6:-5]
    expected = inventory.order_up_to_backorders(level, rate, review, lead)
    _assert_close(_mean_and_error(np.maximum(-net, 0.0)), expected.end_of_period_backorders)
    _assert_close(_mean_and_error(np.maximum(net, 0.0)), expected.end_of_period_on_hand)
    _assert_close(_mean_and_error((net < 0).astype(float)), expected.stockout_probability)
    _assert_close(_mean_and_error(unmet.astype(float)), expected.shortage_per_cycle)
    _assert_close(_mean_and_error((before[warm] > 0).astype(float)), expected.fill_rate)


def test_periodic_order_up_to_reduces_to_the_textbook_cases() -> None:
    # With a zero review period the fill rate tends to the base-stock one (the
    # shortage per cycle is the derivative of the loss function), and with zero
    # demand nothing is short.
    tiny = inventory.order_up_to_backorders(22, rate=10.0, review=1e-6, lead=2.0)
    assert tiny.fill_rate == pytest.approx(
        inventory.base_stock_backorders(22, 10.0, 2.0).fill_rate, rel=1e-4
    )
    assert inventory.loss(5, 0.0) == 0.0
    assert inventory.erlang_b(0, 3.0) == 1.0
