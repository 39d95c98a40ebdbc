"""capsim: simulate defense-industrial capacity, contract funding and stockpiles.

The public names are loaded on first use, so ``import capsim`` (and ``capsim --help``)
does not import pandas, scipy or SimPy until they are needed.

>>> import capsim
>>> sorted(capsim.__all__)[:3]
['Comparison', 'DaskExecutor', 'Ensemble']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capsim.lazy import lazy_names

if TYPE_CHECKING:
    from capsim.comparison import Comparison, compare
    from capsim.engine import simulate
    from capsim.experiments import (
        DaskExecutor,
        Ensemble,
        ProcessExecutor,
        SerialExecutor,
        Sweep,
        replicate,
        run_experiment,
        sensitivity,
    )
    from capsim.results import Results
    from capsim.scenario.errors import ScenarioError
    from capsim.scenario.schema import Scenario
    from capsim.scenario_files.loader import load_scenario, parse_scenario

# Where each public name lives; read by __getattr__ on first use.
_HOMES = {
    "Comparison": "capsim.comparison",
    "compare": "capsim.comparison",
    "simulate": "capsim.engine",
    "DaskExecutor": "capsim.experiments",
    "Ensemble": "capsim.experiments",
    "ProcessExecutor": "capsim.experiments",
    "SerialExecutor": "capsim.experiments",
    "Sweep": "capsim.experiments",
    "replicate": "capsim.experiments",
    "run_experiment": "capsim.experiments",
    "sensitivity": "capsim.experiments",
    "Results": "capsim.results",
    "ScenarioError": "capsim.scenario.errors",
    "load_scenario": "capsim.scenario_files.loader",
    "parse_scenario": "capsim.scenario_files.loader",
    "Scenario": "capsim.scenario.schema",
}

__all__ = [
    "Comparison",
    "DaskExecutor",
    "Ensemble",
    "ProcessExecutor",
    "Results",
    "Scenario",
    "ScenarioError",
    "SerialExecutor",
    "Sweep",
    "compare",
    "load_scenario",
    "parse_scenario",
    "replicate",
    "run_experiment",
    "sensitivity",
    "simulate",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals(), __all__)
