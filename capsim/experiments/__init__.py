"""Experiments: replications, sweeps and sensitivity (what to run), and executors (how).

A design is plain data; an executor maps a top-level function over chunks of it and
returns results in order, so a serial loop, a process pool and a Dask cluster give the
same numbers. The names below are imported on first use, so that importing a submodule
(such as the command line's) does not load pandas and SciPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capsim.lazy import lazy_names

if TYPE_CHECKING:
    from capsim.experiments.design import Sampler, Sweep
    from capsim.experiments.ensemble import Ensemble
    from capsim.experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor
    from capsim.experiments.experiment import ExperimentResult, load_experiment, run_experiment
    from capsim.experiments.replication import replicate
    from capsim.experiments.sensitivity import Sensitivity, sensitivity

_HOMES = {
    "Sampler": "capsim.experiments.design",
    "Sweep": "capsim.experiments.design",
    "Ensemble": "capsim.experiments.ensemble",
    "DaskExecutor": "capsim.experiments.executors",
    "ProcessExecutor": "capsim.experiments.executors",
    "SerialExecutor": "capsim.experiments.executors",
    "ExperimentResult": "capsim.experiments.experiment",
    "load_experiment": "capsim.experiments.experiment",
    "run_experiment": "capsim.experiments.experiment",
    "replicate": "capsim.experiments.replication",
    "Sensitivity": "capsim.experiments.sensitivity",
    "sensitivity": "capsim.experiments.sensitivity",
}

__all__ = [
    "DaskExecutor",
    "Ensemble",
    "ExperimentResult",
    "ProcessExecutor",
    "Sampler",
    "Sensitivity",
    "SerialExecutor",
    "Sweep",
    "load_experiment",
    "replicate",
    "run_experiment",
    "sensitivity",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals(), __all__)
