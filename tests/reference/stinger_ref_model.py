"""Independent model of the reference workload ``stinger_ref``, from its spec alone.

The spec is ``/work/shared/bench/stinger_ref.md`` (mirrored by
``benchmarks/stinger_ref.yaml``). This module uses numpy only, never capsim, so that it
can serve as an oracle for capsim's core.

Time
----
Time ``t`` is a float in months since the start; 1 month = 30 days, so day ``d`` of
month ``m`` (``d = 1..30``) is the interval ``[m + (d - 1)/30, m + d/30)``. Month ``m``
of every output array is the interval ``[m, m + 1)``; "stock at end of month ``m``" is
the stock just before ``t = m + 1``.

Event order
-----------
Reviews happen at the instant ``t = m`` (day 1 of month ``m``, before anything else on
that day). Events dated at the same instant are ordered: deliveries, then demands, then
the review. So the transfer dated the start of month 3 (``t = 3``) is seen by the
review of month 3, as the spec's "demands dated on a day come before that day's review"
requires. Random demand arrives in continuous time, so it never ties with a review.

Demand
------
Training (15/month over the horizon) and wartime expenditure (40/month in months 3-23)
are Poisson processes in continuous time: each month's count is Poisson and the arrival
times are uniform within the month, which is the exact construction of a homogeneous
Poisson process on an interval (Ross, *Introduction to Probability Models*, 2019,
§5.3.5: given N(t) = n the arrival times are distributed as n sorted uniforms). A unit
demand that finds the stockpile empty is lost; a transfer takes what is there and the
rest is lost. Continuous arrivals (rather than daily accrual) are used because the
spec's demand is a Poisson *process*, and because inventory theory's results for
continuous review (the base-stock fill rate) assume exactly this.

Production
----------
Every production stage is a rate process, computed exactly for whole units:

* A supplier with capacity ``c`` units/month works its backlog first in, first out;
  unit ``n`` of a batch ordered at ``tau`` is made at ``max(tau, previous) + 1/c`` and
  reaches the line ``lead`` months later. (A fluid server fed whole units completes
  its ``n``-th unit exactly then, so this *is* the continuous rate process.)
* The line's capacity ramps linearly from 20 to 60 units/month over months 0-24, then
  stays at 60. With cumulative capacity ``C(t) = integral of the rate``, a line that has
  a kit (one of each component) and backlog completes its next unit when ``C`` has
  grown by one since it started it: in operational time ``x = C(t)``,
  ``F_n = max(C(kit_n), F_{n-1}) + 1`` and the completion date is ``C^{-1}(F_n)``.
  Output over a ramp therefore equals the integral of the ramp to within one unit.
* An assembled missile reaches the stockpile one month after assembly.

Contracting
-----------
At each review the inventory position is stock + awarded-but-undelivered. If it is
below 1,500 a contract is awarded for ``min(2000 - position, units left in the fiscal
year's budget)``. The budget buys 625 units a year ($300M / $0.48M) and is renewed at
months 0, 12, 24, ...; what is unspent lapses. A contract is on order at once and its
components (one of each per missile, no stock of components) are ordered from the
suppliers at the award.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

HORIZON_MONTHS = 120
INITIAL_STOCK = 2000
TRAINING_RATE = 15.0  # units/month, whole horizon
WAR_RATE = 40.0  # units/month, months 3-23
WAR_MONTHS = (3, 24)  # [start, end) in months
TRANSFER_MONTH = 3
TRANSFER_QUANTITY = 1400
REORDER_POINT = 1500
ORDER_UP_TO = 2000
UNITS_PER_YEAR = 625  # floor($300M / $0.48M)
DELIVERY_LAG = 1.0  # months, assembly -> stockpile
RAMP_START, RAMP_END, RAMP_MONTHS = 20.0, 60.0, 24.0  # units/month, months
SUPPLIERS: dict[str, tuple[float, float]] = {  # capacity (units/month), lead (months)
    "seeker": (55.0, 18.0),
    "rocket_motor": (70.0, 12.0),
    "warhead": (80.0, 9.0),
    "gripstock_battery": (100.0, 6.0),
}
_EPS = 1e-9  # months; guards floor() against rounding of times that are whole months
_TRANSFER_MASK = np.arange(HORIZON_MONTHS) == TRANSFER_MONTH
_SLOPE = (RAMP_END - RAMP_START) / RAMP_MONTHS  # units/month per month
_C_END = RAMP_START * RAMP_MONTHS + 0.5 * _SLOPE * RAMP_MONTHS**2  # C(24) = 960 units

FloatArray = NDArray[np.float64]


def capacity_rate(t: FloatArray | float) -> FloatArray:
    """Line capacity in units/month at time ``t`` (months).

    >>> capacity_rate(np.array([0.0, 12.0, 24.0, 100.0])).tolist()
    [20.0, 40.0, 60.0, 60.0]
    """
    t = np.asarray(t, dtype=float)
    return np.where(t < RAMP_MONTHS, RAMP_START + _SLOPE * t, RAMP_END)


def cumulative_capacity(t: FloatArray | float) -> FloatArray:
    """Integral of the line's capacity from 0 to ``t`` (months), in units.

    >>> cumulative_capacity(np.array([24.0, 36.0])).tolist()
    [960.0, 1680.0]
    """
    t = np.asarray(t, dtype=float)
    ramp = RAMP_START * t + 0.5 * _SLOPE * t * t
    return np.where(t < RAMP_MONTHS, ramp, _C_END + RAMP_END * (t - RAMP_MONTHS))


def inverse_cumulative_capacity(x: FloatArray | float) -> FloatArray:
    """The time (months) at which the cumulative capacity reaches ``x`` units.

    >>> inverse_cumulative_capacity(np.array([960.0, 1680.0])).tolist()
    [24.0, 36.0]
    """
    x = np.asarray(x, dtype=float)
    # Root of (slope/2) t^2 + start t - x = 0, in the cancellation-free form.
    ramp = 2.0 * x / (RAMP_START + np.sqrt(RAMP_START**2 + 2.0 * _SLOPE * np.maximum(x, 0.0)))
    return np.where(x < _C_END, ramp, RAMP_MONTHS + (x - _C_END) / RAMP_END)


@dataclass
class Pipeline:
    """Suppliers and line, first in first out; turns awards into delivery dates.

    Attributes hold the date (months) each stage last finished a unit, and for the line
    the operational time (units of cumulative capacity) of its last completion.
    """

    supplier_free: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUPPLIERS, 0.0))
    line_free: float = 0.0  # operational time C(t) at which the line last finished

    def award(self, date: float, quantity: int) -> tuple[FloatArray, FloatArray]:
        """Order ``quantity`` missiles at ``date``; return assembly and delivery dates.

        >>> assembled, delivered = Pipeline().award(0.0, 2)
        >>> (delivered - assembled).round(4).tolist()
        [1.0, 1.0]
        >>> bool(assembled[0] > 18.0 + 1 / 55)  # the seeker is the longest path
        True
        """
        steps = np.arange(1, quantity + 1, dtype=float)
        kit = np.full(quantity, -math.inf)
        for name, (capacity, lead) in SUPPLIERS.items():
            made = max(date, self.supplier_free[name]) + steps / capacity
            self.supplier_free[name] = float(made[-1])
            np.maximum(kit, made + lead, out=kit)
        assembled = self.assemble(kit)
        return assembled, assembled + DELIVERY_LAG

    def assemble(self, kit: FloatArray) -> FloatArray:
        """Completion dates (months) of units whose kits are complete at ``kit`` (sorted).

        >>> Pipeline().assemble(np.zeros(3)).round(4).tolist()  # 20/month at first
        [0.0499, 0.0996, 0.1491]
        """
        # F_n = n + 1 + max(F_prev, max_{j<=n} (C(kit_j) - j)), n = 0-based index.
        index = np.arange(kit.size, dtype=float)
        ready = np.maximum.accumulate(cumulative_capacity(kit) - index)
        finish = index + 1.0 + np.maximum(ready, self.line_free)
        self.line_free = float(finish[-1])
        return inverse_cumulative_capacity(finish)


def _demand_dates(rng: np.random.Generator) -> tuple[FloatArray, NDArray[np.int64]]:
    """Poisson arrival dates (months, sorted) and the index of the first in each month."""
    months = np.arange(HORIZON_MONTHS)
    war = (months >= WAR_MONTHS[0]) & (months < WAR_MONTHS[1])
    rates = TRAINING_RATE + WAR_RATE * war
    counts = rng.poisson(rates)
    dates = np.repeat(months.astype(float), counts) + rng.random(int(counts.sum()))
    dates.sort()
    starts = np.concatenate(([0], np.cumsum(counts)))
    return dates, starts


def _month_of(dates: FloatArray) -> NDArray[np.int64]:
    return np.floor(dates + _EPS).astype(np.int64)


def simulate(seed: int) -> dict[str, NDArray[np.float64]]:
    """Simulate ``stinger_ref`` once; return monthly arrays over the 120 months.

    Keys: ``production`` (units assembled in the month), ``deliveries`` (units reaching
    the stockpile), ``stock`` (at the end of the month), ``unmet`` (demand lost, the
    transfer's shortfall included), ``awarded`` (units put on contract), and ``demand``
    (units demanded, the transfer included) for balance checks.

    >>> out = simulate(1)
    >>> sorted(out), out["stock"].shape
    (['awarded', 'deliveries', 'demand', 'production', 'stock', 'unmet'], (120,))
    >>> float(out["awarded"][3]), float(out["production"][:18].sum())
    (625.0, 0.0)
    """
    rng = np.random.default_rng(seed)
    demand, demand_start = _demand_dates(rng)
    pipeline = Pipeline()
    assembly_batches: list[FloatArray] = []
    # Deliveries per month, filled as awards are made. An award reaches the stockpile no
    # earlier than 18 months later (seeker lead time), so every delivery dated before a
    # month is known when that month is processed.
    delivered_by_month: list[list[FloatArray]] = [[] for _ in range(HORIZON_MONTHS)]
    awarded = np.zeros(HORIZON_MONTHS)
    stock_end = np.zeros(HORIZON_MONTHS)
    unmet = np.zeros(HORIZON_MONTHS)
    deliveries = np.zeros(HORIZON_MONTHS)
    stock = float(INITIAL_STOCK)
    on_order = 0.0  # awarded and not yet delivered
    fiscal_left = 0
    for month in range(HORIZON_MONTHS):
        incoming = (
            np.sort(np.concatenate(delivered_by_month[month]))
            if delivered_by_month[month]
            else np.empty(0)
        )
        # Deliveries dated exactly at the start of the month come before the review.
        at_start = int(np.searchsorted(incoming, month + _EPS, side="right"))
        stock += at_start
        on_order -= at_start
        deliveries[month] = incoming.size
        if month == TRANSFER_MONTH:
            shipped = min(stock, TRANSFER_QUANTITY)
            unmet[month] += TRANSFER_QUANTITY - shipped
            stock -= shipped
        if month % 12 == 0:
            fiscal_left = UNITS_PER_YEAR  # renewed; the rest of last year's lapses
        position = stock + on_order
        if position < REORDER_POINT and fiscal_left > 0:
            quantity = int(min(ORDER_UP_TO - position, fiscal_left))
            fiscal_left -= quantity
            awarded[month] = quantity
            on_order += quantity
            assembled, delivered = pipeline.award(float(month), quantity)
            assembly_batches.append(assembled)
            due = _month_of(delivered)
            keep = due < HORIZON_MONTHS
            for due_month in np.unique(due[keep]):
                delivered_by_month[due_month].append(delivered[due == due_month])
        # The rest of the month: unit deliveries (+1) and unit demands (-1) in date order,
        # lost sales by reflection at zero (Skorokhod): lost = max(0, -min(stock + path)).
        later = incoming[at_start:]
        month_demand = demand[demand_start[month] : demand_start[month + 1]]
        if later.size:
            dates = np.concatenate((later, month_demand))
            steps = np.concatenate((np.ones(later.size), -np.ones(month_demand.size)))
            path = np.cumsum(steps[np.argsort(dates, kind="stable")])
        else:
            path = -np.arange(1.0, month_demand.size + 1.0)
        lost = max(0.0, -(stock + float(path.min()))) if path.size else 0.0
        stock += (float(path[-1]) if path.size else 0.0) + lost
        on_order -= later.size
        unmet[month] += lost
        stock_end[month] = stock
    production = np.zeros(HORIZON_MONTHS)
    if assembly_batches:
        done = _month_of(np.concatenate(assembly_batches))
        counts = np.bincount(done[done < HORIZON_MONTHS], minlength=HORIZON_MONTHS)
        production = counts.astype(float)
    return {
        "production": production,
        "deliveries": deliveries,
        "stock": stock_end,
        "unmet": unmet,
        "awarded": awarded,
        "demand": np.diff(demand_start).astype(float) + TRANSFER_QUANTITY * _TRANSFER_MASK,
    }


def replicate(n: int, seed: int = 0) -> dict[str, FloatArray]:
    """Run replications ``seed, seed + 1, ..., seed + n - 1``; arrays of shape (n, 120)."""
    runs = [simulate(seed + k) for k in range(n)]
    return {key: np.stack([run[key] for run in runs]) for key in runs[0]}
