"""Common random numbers, and streams that do not move when the model grows."""

from __future__ import annotations

import numpy as np

import capsim
from tests.experiments.scenarios import scenario


def demand_draws(model: capsim.Scenario, entity: str = "use") -> np.ndarray:
    ensemble = capsim.replicate(model, 4, seed=8, executor=capsim.SerialExecutor(), progress=False)
    values, entities = ensemble.metric("demand", entity_kind="demand")
    return values[:, entities.index(entity), :]


def test_variants_differing_in_capacity_see_the_same_demand() -> None:
    low = scenario({"lines": {"plant": {"capacity": 5}}})
    high = scenario({"lines": {"plant": {"capacity": 50}}})
    low_run = capsim.replicate(low, 4, seed=8, executor=capsim.SerialExecutor(), progress=False)
    high_run = capsim.replicate(high, 4, seed=8, executor=capsim.SerialExecutor(), progress=False)
    assert np.array_equal(demand_draws(low), demand_draws(high))
    assert not np.array_equal(low_run.metric("stock")[0], high_run.metric("stock")[0])


def test_adding_a_stochastic_element_leaves_other_streams_unchanged() -> None:
    before = demand_draws(scenario())
    grown = scenario(
        {
            "demands": {
                "exercise": {
                    "kind": "expenditure",
                    "holder": "army",
                    "system": "missile",
                    "rate": 3,
                }
            },
            "lines": {"plant": {"acceptance_yield": 0.9}},
            "uncertain": {
                "stockpiles.depot.initial": {"distribution": "choice", "values": [20, 40]}
            },
        }
    )
    assert np.array_equal(before, demand_draws(grown))
