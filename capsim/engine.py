"""Run a scenario: build the world, run it, collect the results."""

from __future__ import annotations

from capsim.model.inputs import sample_inputs
from capsim.model.world import World
from capsim.results import Results
from capsim.scenario.schema import Scenario


def simulate(scenario: Scenario, seed: int | None = None, replication: int = 0) -> Results:
    """Simulate one scenario once and return its results.

    Parameters
    ----------
    scenario
        A validated scenario (see :func:`capsim.load_scenario`).
    seed
        Root seed of every random stream; ``None`` uses the scenario's own seed.
    replication
        Index of this replication: replication ``k`` draws the same random numbers in
        every variant of a scenario (common random numbers). Uncertain inputs are drawn
        once per replication (see :func:`capsim.model.inputs.sample_inputs`) and the
        values used are in ``Results.inputs``.
    """
    root = scenario.scenario.seed if seed is None else seed
    inputs: dict[str, float] = {}
    if scenario.uncertain:
        scenario, inputs = sample_inputs(scenario, root, replication)
    world = World(scenario, root, replication)
    recorder = world.run()
    return Results(scenario, world.calendar, recorder, root, replication, inputs)
