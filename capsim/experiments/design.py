"""What to run: a sweep design, plain data (points = parameter path → value), times replications.

Every path is the one error messages use (``lines.stinger_tucson.capacity[1].rate``).
Every point is applied to the scenario and validated when the design is made, so a
wrong path or value is refused, with a "did you mean" hint, before anything runs.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from capsim.scenario.errors import Problem, ScenarioError, format_path
from capsim.scenario.schema import Scenario
from capsim.scenario_files.loader import load_scenario
from capsim.scenario_files.paths import get_at, parse_path, scenario_data
from capsim.scenario_files.uncertainty import fit_to_field, with_inputs
from capsim.scenario_files.validation_errors import findings_from_validation_error
from capsim.scenario_files.yaml_source import read_yaml

Point = dict[str, Any]
"""One design point: parameter path → value."""


MAX_POINTS = 10_000
"""Most points one design may have: each point holds a validated scenario in memory."""

MAX_RUNS = 1_000_000
"""Most runs (points × replications) of one experiment: its KPI table is read into memory."""


class Sampler(StrEnum):
    """How a sampled design places its points in the unit cube (``scipy.stats.qmc``).

    The values are the keys of a sampled design in a sweep file.
    """

    LATIN_HYPERCUBE = "latin_hypercube"
    """A Latin hypercube: each range cut into ``samples`` strata, one point in each."""
    SOBOL = "sobol"
    """A scrambled Sobol sequence; ``samples`` should be a power of 2 for its balance."""


class Sweep:
    """A full-grid design over parameter paths, run ``replications`` times per point.

    Point ``k`` replication ``r`` runs with replication index ``r``, so all points share
    common random numbers and differences between points are not noise.

    Parameters
    ----------
    scenario
        The scenario the points change.
    grid
        Parameter path → values; the design is every combination, the first path
        varying slowest.
    replications
        Replications per point.
    seed
        Root seed; ``None`` uses the scenario's.

    >>> import capsim
    >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
    >>> sweep = capsim.Sweep(scenario, {"stockpiles.army.initial": [1500, 2500],
    ...                                 "policies.reorder.reorder_point": [1000, 1500]})
    >>> len(sweep.points), sweep.points[1]
    (4, {'stockpiles.army.initial': 1500, 'policies.reorder.reorder_point': 1500})
    """

    grid: dict[str, list[Any]] | None
    """Parameter path → values of a full-grid design; ``None`` for a design of points."""

    def __init__(
        self,
        scenario: Scenario,
        grid: Mapping[str, Sequence[Any]],
        replications: int = 1,
        seed: int | None = None,
    ) -> None:
        for path, values in grid.items():
            if isinstance(values, str | bytes) or not len(values):
                raise ScenarioError([Problem((), f"sweep: give {path} a list of values")])
        size = math.prod(len(values) for values in grid.values())
        if size > MAX_POINTS:
            sizes = " × ".join(f"{len(values):,}" for values in grid.values())
            raise ScenarioError(
                [Problem((), f"sweep: the grid has {sizes} = {size:,} points, more than the "
                             f"limit of {MAX_POINTS:,}; split it into several sweeps")]
            )  # fmt: skip
        paths = list(grid)
        points = [
            dict(zip(paths, values, strict=True)) for values in itertools.product(*grid.values())
        ]
        self._set(scenario, points, replications, seed)
        self.grid = {path: [_plain(value) for value in values] for path, values in grid.items()}

    def _set(
        self, scenario: Scenario, points: Sequence[Point], replications: int, seed: int | None
    ) -> None:
        if replications < 1:
            raise ScenarioError(
                [Problem((), f"sweep: replications must be at least 1 (got {replications})")]
            )
        if len(points) > MAX_POINTS:
            message = f"sweep: {len(points):,} points, more than the limit of {MAX_POINTS:,}"
            raise ScenarioError([Problem((), message)])
        if len(points) * replications > MAX_RUNS:
            raise ScenarioError(
                [Problem((), f"sweep: {len(points):,} points × {replications:,} replications = "
                             f"{len(points) * replications:,} runs, more than the limit of "
                             f"{MAX_RUNS:,} for one experiment; split it into several")]
            )  # fmt: skip
        self.scenario = scenario
        self.points: list[Point] = [dict(point) for point in points]
        self.replications = replications
        self.seed = scenario.scenario.seed if seed is None else seed
        self.scenarios = check_points(scenario, self.points)
        """The scenario of each point, validated."""
        self.grid = None

    @classmethod
    def from_points(
        cls,
        scenario: Scenario,
        points: Sequence[Point],
        replications: int = 1,
        seed: int | None = None,
    ) -> Sweep:
        """A design of explicit points (each a mapping path → value)."""
        sweep = cls.__new__(cls)
        sweep._set(scenario, points, replications, seed)
        return sweep

    @classmethod
    def sampled(
        cls,
        scenario: Scenario,
        ranges: Mapping[str, tuple[float, float]],
        samples: int,
        sampler: Sampler = Sampler.LATIN_HYPERCUBE,
        design_seed: int = 0,
        replications: int = 1,
        seed: int | None = None,
    ) -> Sweep:
        """``samples`` points over ``path → (low, high)``, placed by ``sampler``.

        ``design_seed`` draws the points (for Sobol, scrambles the sequence); ``seed`` is
        the runs' root seed (``None``: the scenario's). Whole-number parameters take
        rounded values.

        >>> import capsim
        >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
        >>> ranges = {"stockpiles.army.initial": (1000, 3000)}
        >>> sweep = capsim.Sweep.sampled(scenario, ranges, 4, Sampler.SOBOL, design_seed=1)
        >>> len(sweep.points), all(1000 <= p["stockpiles.army.initial"] <= 3000
        ...                        for p in sweep.points)
        (4, True)
        """
        from scipy.stats import qmc

        engine: qmc.QMCEngine
        if Sampler(sampler) is Sampler.SOBOL:
            engine = qmc.Sobol(d=len(ranges), scramble=True, rng=design_seed)
        else:
            engine = qmc.LatinHypercube(d=len(ranges), rng=design_seed)
        unit = engine.random(_count(samples))
        return cls.from_points(scenario, _scale(scenario, ranges, unit), replications, seed)

    @property
    def paths(self) -> list[str]:
        """The parameter paths the design sets, in first-seen order."""
        return list(dict.fromkeys(path for point in self.points for path in point))

    def as_data(self) -> dict[str, Any]:
        """The design as plain data (what :meth:`to_yaml` writes)."""
        return {
            "replications": self.replications,
            "seed": self.seed,
            "points": [{path: _plain(value) for path, value in p.items()} for p in self.points],
        }

    def to_yaml(self, path: str | os.PathLike[str], scenario_file: str | None = None) -> None:
        """Write the design as a sweep file (points listed), optionally naming the scenario."""
        data = {"scenario": scenario_file, **self.as_data()} if scenario_file else self.as_data()
        Path(path).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str], scenario: Scenario | None = None) -> Sweep:
        """Read a sweep file.

        It has ``replications``, optionally ``seed`` and ``scenario`` (a scenario file,
        relative to the sweep file; used when ``scenario`` is not given) and one of
        ``grid`` (path → values), ``points`` (a list of path → value),
        ``latin_hypercube`` or ``sobol`` (``{samples, design_seed, ranges: {path: [low,
        high]}}``). ``seed`` is the runs' root seed; ``design_seed`` draws the points.
        """
        data, source = read_yaml(path)
        try:
            spec = SweepFile.model_validate(data)
        except ValidationError as error:
            problems = []
            for finding in findings_from_validation_error(error, data):
                where = source.locate(finding.problem.path)
                line, column = (where.line, where.column) if where else (None, None)
                problem = finding.problem
                problems.append(Problem(problem.path, problem.message, str(path), line, column))
            raise ScenarioError(problems) from None
        if scenario is None:
            if spec.scenario is None:
                raise ScenarioError([Problem((), "sweep file names no scenario", str(path))])
            scenario = load_scenario(Path(path).parent / spec.scenario)
        if spec.grid is not None:
            return cls(scenario, spec.grid, spec.replications, spec.seed)
        if spec.points is not None:
            return cls.from_points(scenario, spec.points, spec.replications, spec.seed)
        sampler = Sampler.LATIN_HYPERCUBE if spec.latin_hypercube is not None else Sampler.SOBOL
        sampled = spec.latin_hypercube or spec.sobol
        assert sampled is not None
        ranges = {key: (low, high) for key, (low, high) in sampled.ranges.items()}
        return cls.sampled(
            scenario,
            ranges,
            sampled.samples,
            sampler,
            sampled.design_seed,
            spec.replications,
            spec.seed,
        )

    def __repr__(self) -> str:
        return (
            f"<Sweep of {self.scenario.scenario.name!r}: {len(self.points)} points × "
            f"{self.replications} replications over {', '.join(self.paths)}>"
        )


class _Sampled(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    samples: int = Field(ge=1)
    design_seed: int = 0
    ranges: dict[str, tuple[float, float]]


class SweepFile(BaseModel):
    """A sweep file: the design, its replications and seed, and optionally its scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str | None = None
    replications: int = Field(1, ge=1)
    seed: int | None = None
    grid: dict[str, list[Any]] | None = None
    points: list[dict[str, Any]] | None = None
    latin_hypercube: _Sampled | None = None
    sobol: _Sampled | None = None

    def model_post_init(self, context: Any) -> None:
        given = [self.grid, self.points, self.latin_hypercube, self.sobol]
        if sum(item is not None for item in given) != 1:
            raise ValueError("give exactly one of grid, points, latin_hypercube or sobol")


def check_points(scenario: Scenario, points: Sequence[Point]) -> list[Scenario]:
    """The validated scenario of each point; every problem of every point is reported.

    A path that a point sets is no longer uncertain at that point: the point's value wins.
    """
    data = scenario_data(scenario)
    problems: list[Problem] = []
    for path in dict.fromkeys(path for point in points for path in point):
        try:
            get_at(data, parse_path(path))
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    scenarios = []
    for index, point in enumerate(points):
        try:
            scenarios.append(with_inputs(scenario, point))
        except ScenarioError as error:
            shown = ", ".join(f"{path}={value!r}" for path, value in point.items())
            problems.extend(
                Problem(p.path, f"{p.message} (sweep point {index}: {shown})")
                for p in error.problems
            )
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _count(samples: int) -> int:
    if samples < 1:
        raise ScenarioError([Problem((), f"sweep: samples must be at least 1 (got {samples})")])
    if samples > MAX_POINTS:
        message = f"sweep: {samples:,} samples, more than the limit of {MAX_POINTS:,} points"
        raise ScenarioError([Problem((), message)])
    return samples


def _scale(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]], unit: np.ndarray
) -> list[Point]:
    data = scenario_data(scenario)
    problems = [
        Problem(parse_path(path), f"sweep range: need low < high (got {low:g}, {high:g})")
        for path, (low, high) in ranges.items()
        if not low < high
    ]
    if problems:
        raise ScenarioError(problems)
    paths = [parse_path(path) for path in ranges]
    lows = np.array([low for low, _ in ranges.values()])
    highs = np.array([high for _, high in ranges.values()])
    values = lows + unit * (highs - lows)
    return [
        {
            format_path(path): fit_to_field(data, path, float(value))
            for path, value in zip(paths, row, strict=True)
        }
        for row in values
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = ["Point", "Sampler", "Sweep", "SweepFile", "check_points"]
