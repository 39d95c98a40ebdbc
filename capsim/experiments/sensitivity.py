"""Global sensitivity of KPIs to the uncertain inputs: Sobol and Morris indices via SALib.

Needs ``pip install 'capsim[sensitivity]'``. Designs are drawn on the unit cube and each
coordinate is mapped through its input's distribution (inverse CDF), so the indices are
those of the inputs as the scenario describes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from capsim.experiments.design import Sweep
from capsim.experiments.executors import Executor
from capsim.experiments.experiment import ExperimentResult, run_experiment
from capsim.kpis import outcome
from capsim.outcomes import Kind
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import parse_path, scenario_data
from capsim.scenario_files.uncertainty import LOWEST_U, fit_to_field

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MORRIS_LEVELS = 4


class Method(StrEnum):
    """Which indices."""

    SOBOL = "sobol"
    """First-order and total Sobol indices (Saltelli sampling; Saltelli et al. 2010)."""
    MORRIS = "morris"
    """Morris elementary effects: mu*, sigma (Campolongo et al. 2007)."""


@dataclass(frozen=True)
class Sensitivity:
    """Indices per output and input, and the runs they came from.

    ``indices`` has columns ``output``, ``input`` and, for Sobol, ``S1``, ``S1_conf``,
    ``ST``, ``ST_conf``; for Morris, ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``.
    """

    method: Method
    indices: pd.DataFrame
    experiment: ExperimentResult

    def plot(self) -> Figure:
        """Bars of the indices with their confidence intervals, one panel per output."""
        from capsim.experiments.plot import plot_indices

        return plot_indices(self.indices, self.method.value)


def sensitivity(
    scenario: Scenario,
    method: Method | str = Method.SOBOL,
    outputs: Sequence[str] = ("unmet_total",),
    n: int = 1024,
    stockpile: str | None = None,
    replications: int = 1,
    seed: int | None = None,
    design_seed: int = 0,
    executor: Executor | None = None,
    progress: bool = True,
) -> Sensitivity:
    """Sobol or Morris indices of KPIs over the scenario's uncertain inputs.

    Parameters
    ----------
    scenario
        A scenario with at least one uncertain input.
    method
        ``"sobol"`` (n (d + 2) runs for d inputs; n a power of 2) or ``"morris"``
        (n (d + 1) runs: n trajectories, 4 levels).
    outputs
        KPI columns (:func:`capsim.kpis.stockpile_kpis`) of ``stockpile``; dates are
        measured in days from the start. An index needs a number from every run, so a
        date not reached within the horizon counts as the end of the horizon: indices
        of a KPI censored in many runs describe that bound.
    n
        Base sample size (Sobol) or number of trajectories (Morris).
    stockpile
        Whose KPIs; ``None`` is the first stockpile of the scenario.
    replications
        Replications per design point, averaged. Every point uses the same replication
        indices (common random numbers), so the indices measure the inputs, not noise.
    seed
        Root seed of the runs; ``None`` uses the scenario's.
    design_seed
        Seed of the sampling design and of the bootstrap of the indices' intervals.
    """
    chosen = Method(method)
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError as error:
        raise ImportError("sensitivity() needs SALib: pip install 'capsim[sensitivity]'") from error
    inputs = dict(scenario.uncertain)
    if not inputs:
        raise ValueError("the scenario has no uncertain inputs to analyse")
    if n < 1:
        raise ValueError(f"n must be at least 1 (got {n})")
    owner = stockpile if stockpile is not None else next(iter(scenario.stockpiles))
    if owner not in scenario.stockpiles:
        raise ValueError(f"no stockpile {owner!r}; known: {', '.join(scenario.stockpiles)}")
    for output in outputs:
        outcome(output)
    paths = list(inputs)
    problem: dict[str, Any] = {
        "num_vars": len(paths),
        "names": paths,
        "bounds": [[0.0, 1.0]] * len(paths),
    }
    if chosen is Method.SOBOL:
        unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=design_seed)
        probabilities = np.clip(unit, LOWEST_U, 1 - LOWEST_U)
    else:
        unit = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=design_seed)
        # Levels at the middles of equal-probability bins: 1/8, 3/8, 5/8, 7/8 for 4 levels.
        probabilities = (0.5 + unit * (MORRIS_LEVELS - 1)) / MORRIS_LEVELS
    data = scenario_data(scenario)
    points = [
        {
            path: fit_to_field(data, parse_path(path), inputs[path].ppf(float(u)))
            for path, u in zip(paths, row, strict=True)
        }
        for row in probabilities
    ]
    design = Sweep.from_points(scenario, points, replications, seed)
    result = run_experiment(design, executor=executor, progress=progress)
    rows = []
    for output in outputs:
        response = _response(result, output, owner, scenario)
        if chosen is Method.SOBOL:
            found = sobol_analyze.analyze(
                problem, response, calc_second_order=False, seed=design_seed
            )
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            found = morris_analyze.analyze(
                problem, unit, response, num_levels=MORRIS_LEVELS, seed=design_seed
            )
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        for index, path in enumerate(paths):
            rows.append(
                {"output": output, "input": path, **{k: float(found[k][index]) for k in keys}}
            )
    return Sensitivity(chosen, pd.DataFrame(rows), result)


def _response(
    result: ExperimentResult, output: str, stockpile: str, scenario: Scenario
) -> np.ndarray:
    """Mean of a KPI per design point, as numbers."""
    kpis = result.kpis[result.kpis["stockpile"] == stockpile]
    values = kpis[output]
    if outcome(output).kind is Kind.DATE:
        start = pd.Timestamp(scenario.scenario.start)
        end = start + pd.DateOffset(months=scenario.scenario.months)
        values = (values.fillna(end) - start) / pd.Timedelta(days=1)
    means = values.astype(float).groupby(kpis["point"]).mean()
    return means.to_numpy()


__all__ = ["Method", "Sensitivity", "sensitivity"]
