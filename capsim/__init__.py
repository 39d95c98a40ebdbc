"""capsim: simulate defense-industrial capacity, contract funding and stockpiles.

The public names are loaded on first use, so ``import capsim`` (and ``capsim --help``)
does not import pandas, scipy or SimPy until they are needed.

>>> import capsim
>>> sorted(capsim.__all__)[:3]
['Comparison', 'DaskExecutor', 'Ensemble']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
    from capsim.scenario.loader import load_scenario, parse_scenario
    from capsim.scenario.schema import Scenario

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
    "load_scenario": "capsim.scenario.loader",
    "parse_scenario": "capsim.scenario.loader",
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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'capsim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
