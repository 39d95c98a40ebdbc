"""Statistics of replications against inventory theory and the Poisson distribution."""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson

import capsim
from tests.experiments.scenarios import scenario

S, RATE, REPLICATIONS = 22, 10.0, 200


def test_base_stock_matches_poisson_service_levels() -> None:
    """One-for-one base stock with Poisson demand and a fixed lead time.

    Set-up (``tests/experiments/scenarios.py``): a holder starts with ``S`` units and
    reviews at the start of every month with reorder point = order-up-to level = ``S``,
    so each month it orders exactly what the previous month's demand took (one for one;
    its inventory position, stock + on order - backorders, is back at ``S`` after every
    review). Money and line capacity never bind, the contract's first-delivery lag is 0
    and the line's delivery lag is one month: units ordered at the start of month m are
    built at its close and reach the stockpile at the close of month m + 1, before that
    month's demand is served. Demand is Poisson(λ) a month and backordered.

    Hence the net stock (stock - backorders) at the end of month m >= 2 is
    ``NS_m = S - D_{m-1} - D_m``, with D_{m-1} + D_m ~ Poisson(2λ) (the demand over the
    lead time plus review period, L + R = 2 months):

    * ready rate: P(no backorders at a month end) = P(NS_m >= 0) = F(S; 2λ), the Poisson
      CDF;
    * fill rate: before month m's demand the net stock is ``S - D_{m-1}``, so the units
      newly backordered in month m are (D_{m-1} + D_m - S)^+ - (D_{m-1} - S)^+, and the
      share of demand filled from stock is
      β = 1 - (E(X₂ - S)^+ - E(X₁ - S)^+) / λ with X_k ~ Poisson(kλ), where
      E(X - S)^+ = Σ_{x > S} (x - S) p(x) is the Poisson loss function.

    The test takes each replication's rates over months 2 .. 35 and compares their
    replication mean with theory.
    """
    model = scenario(
        {
            "stockpiles": {"depot": {"initial": S}},
            "policies": {"base_stock": {"reorder_point": S, "order_up_to": S}},
        }
    )
    ensemble = capsim.replicate(
        model, REPLICATIONS, seed=3, executor=capsim.SerialExecutor(), progress=False
    )
    stock = ensemble.metric("stock")[0][:, 0, 2:]
    backorders = ensemble.metric("backorders")[0][:, 0, 2:]
    demand = ensemble.metric("demand")[0][:, 0, 2:]
    net = stock - backorders
    ready = (backorders == 0).mean(axis=1).mean()
    before_demand = net + demand
    newly_short = backorders - np.maximum(0.0, -before_demand)
    fill = (1 - newly_short.sum(axis=1) / demand.sum(axis=1)).mean()

    def loss(mean: float) -> float:
        x = np.arange(S + 1, 200)
        return float(((x - S) * poisson.pmf(x, mean)).sum())

    assert abs(ready - poisson.cdf(S, 2 * RATE)) < 0.02
    assert abs(fill - (1 - (loss(2 * RATE) - loss(RATE)) / RATE)) < 0.01
    assert abs(net.mean() - (S - 2 * RATE)) < 0.3


def test_demand_bands_match_poisson_quantiles() -> None:
    ensemble = capsim.replicate(
        scenario(), 250, seed=5, executor=capsim.SerialExecutor(), progress=False
    )
    bands = ensemble.bands("demand", entity_kind="demand")
    for column, level in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
        expected = poisson.ppf(level, RATE)
        deviation = (bands[column] - expected).abs()
        assert deviation.max() <= 2, column
        assert deviation.mean() <= 0.7, column
    assert abs(bands["mean"].mean() - RATE) < 0.1
