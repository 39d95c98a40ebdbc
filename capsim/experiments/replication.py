"""Replications of one scenario: run in chunks on any executor, assembled in order."""

from __future__ import annotations

from contextlib import closing

from capsim.experiments.design import MAX_RUNS
from capsim.experiments.ensemble import Ensemble
from capsim.experiments.executors import Executor
from capsim.experiments.tasks import ChunkResult, Runs, run_all
from capsim.scenario.schema import Scenario

MAX_ENSEMBLE_BYTES = 4 * 2**30
"""Most memory the monthly series of one :class:`Ensemble` may take (4 GiB)."""


def replicate(
    scenario: Scenario,
    n: int,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    chunk: int | None = None,
) -> Ensemble:
    """Run ``n`` replications of a scenario and gather them into an :class:`Ensemble`.

    Replication ``k`` is ``simulate(scenario, seed, replication=k)``, for k = 0 … n-1:
    every stochastic element and uncertain input draws from its own stream of that
    replication, so the numbers are the same whatever the executor, the number of
    workers or the chunk size, and replication ``k`` of a variant of the scenario sees
    the same demand (common random numbers).

    Parameters
    ----------
    scenario
        A validated scenario.
    n
        Number of replications (at least 1).
    seed
        Root seed; ``None`` uses the scenario's.
    executor
        How to run: :class:`SerialExecutor`, :class:`ProcessExecutor` or
        :class:`DaskExecutor`; ``None`` picks a process pool when more than one core is
        free, else serial.
    progress
        Show a progress bar (tqdm if installed).
    chunk
        Replications per chunk sent to a worker; ``None`` chooses.

    >>> import capsim
    >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
    >>> capsim.replicate(scenario, n=3, seed=7, progress=False)
    <Ensemble 'stinger_ref': 3 replications, seed 7>
    """
    if n < 1:
        raise ValueError(f"the number of replications must be at least 1 (got {n})")
    if n > MAX_RUNS:
        raise ValueError(f"{n:,} replications are more than the limit of {MAX_RUNS:,}")
    root = scenario.scenario.seed if seed is None else seed
    runs = Runs([scenario], root, [(0, replication) for replication in range(n)])
    done: list[ChunkResult] = []
    with closing(run_all(runs, executor, progress, chunk)) as results:
        for result in results:
            if not done:
                _check_memory(scenario.scenario.name, result, n)
            done.append(result)
    return Ensemble(scenario, root, done)


def _check_memory(name: str, first: ChunkResult, n: int) -> None:
    """Refuse, at the first chunk, an ensemble whose monthly series would not fit the limit.

    Stopping the iteration cancels the chunks not yet run.
    """
    per_run = 0 if first.series is None else first.series.nbytes / len(first.replications)
    needed = n * per_run
    if needed > MAX_ENSEMBLE_BYTES:
        raise ValueError(
            f"{n:,} replications of {name} would hold {needed / 2**30:,.1f} GiB of monthly "
            f"series in memory, more than the limit of {MAX_ENSEMBLE_BYTES / 2**30:g} GiB: "
            "run fewer, or sweep it (capsim.Sweep, capsim sweep), which keeps only the KPIs "
            "and streams them to disk"
        )


__all__ = ["MAX_ENSEMBLE_BYTES", "replicate"]
