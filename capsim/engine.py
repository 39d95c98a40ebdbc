"""Run a scenario: build the world, run it, collect the results."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

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
    with _collector_paused():
        world = World(scenario, root, replication)
        recorder = world.run()
    return Results(scenario, world.calendar, recorder, root, replication, inputs)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one run, as it was before after it.

    A run allocates many short-lived objects, none of them in cycles that must be freed
    before it ends (a world is one cycle, freed after its run), and the collector's passes
    over them cost about 5 % of a run. Reference counting still frees everything else at
    once, so a run's peak memory does not change (``benchmarks/run.py`` measures it).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
