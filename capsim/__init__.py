"""capsim: simulate defense-industrial capacity, contract funding and stockpiles.

>>> import capsim
>>> sorted(capsim.__all__)[:3]
['Results', 'Scenario', 'ScenarioError']
"""

from capsim.engine import simulate
from capsim.results import Results
from capsim.scenario.errors import ScenarioError
from capsim.scenario.loader import load_scenario, parse_scenario
from capsim.scenario.schema import Scenario

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "simulate",
]
