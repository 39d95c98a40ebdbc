"""Experiments: replications, sweeps and sensitivity (what to run), and executors (how).

A design is plain data; an executor maps a top-level function over chunks of it and
returns results in order, so a serial loop, a process pool and a Dask cluster give the
same numbers.
"""

from capsim.experiments.design import Sweep
from capsim.experiments.ensemble import Ensemble
from capsim.experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from capsim.experiments.experiment import ExperimentResult, load_experiment, run_experiment
from capsim.experiments.replication import replicate
from capsim.experiments.sensitivity import Sensitivity, sensitivity

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
