"""Experiments: replications, sweeps and sensitivity (what to run), and executors (how).

A design is plain data; an executor maps a top-level function over chunks of it and
returns results in order, so a serial loop, a process pool and a Dask cluster give the
same numbers. The names below are imported on first use, so that importing a submodule
(such as the command line's) does not load pandas and SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capsim.experiments.design import Sweep
    from capsim.experiments.ensemble import Ensemble
    from capsim.experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor
    from capsim.experiments.experiment import ExperimentResult, load_experiment, run_experiment
    from capsim.experiments.replication import replicate
    from capsim.experiments.sensitivity import Sensitivity, sensitivity

_HOMES = {
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
    "Sensitivity",
    "SerialExecutor",
    "Sweep",
    "load_experiment",
    "replicate",
    "run_experiment",
    "sensitivity",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'capsim.experiments' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
