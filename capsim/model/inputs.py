"""Uncertain inputs of one replication: each drawn from its own stream, applied by path."""

from __future__ import annotations

from capsim.model.streams import stream
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import parse_path, scenario_data
from capsim.scenario_files.uncertainty import LOWEST_U, fit_to_field, with_inputs


def input_stream_name(path: str) -> str:
    """Name of the random stream of the uncertain input at ``path``."""
    return f"uncertain.{path}"


def sample_inputs(
    scenario: Scenario, seed: int, replication: int
) -> tuple[Scenario, dict[str, float]]:
    """Draw every uncertain input once and return the scenario that uses the draws.

    Input ``path`` takes ``ppf(u)`` of its distribution, with ``u`` the first uniform
    number of the stream ``uncertain.<path>`` of this replication: adding an input leaves
    the draws of the others, and of the model's own streams, unchanged. Whole-number
    parameters are rounded. Returns the scenario (with no uncertain inputs left) and the
    values used, by path.
    """
    data = scenario_data(scenario)
    values: dict[str, float] = {}
    for path, distribution in scenario.uncertain.items():
        u = float(stream(seed, input_stream_name(path), replication).random())
        u = min(max(u, LOWEST_U), 1 - LOWEST_U)
        values[path] = fit_to_field(data, parse_path(path), distribution.ppf(u))
    return with_inputs(scenario, values), values


__all__ = ["input_stream_name", "sample_inputs"]
