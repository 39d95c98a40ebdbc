"""capsim: simulate defense-industrial capacity, contract funding and stockpiles.

>>> import capsim
>>> sorted(capsim.__all__)[:3]
['Comparison', 'DaskExecutor', 'Ensemble']
"""

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
from capsim.scenario.loader import load_scenario, parse_scenario
from capsim.scenario.schema import Scenario

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
