"""Distributions of uncertain inputs, written as data: ``{distribution: triangular, ...}``.

Each distribution is sampled by inversion: one uniform number ``u`` in [0, 1) from the
input's own random stream gives the value ``ppf(u)``. The same map turns the points of a
Latin hypercube, a Sobol sequence or a sensitivity design (all on the unit cube) into
values of the input.

The *nominal* value, which stands in for the input in the scenario object (so that it
validates and reads like any other; every run draws afresh), is the distribution's
median; for a discrete ``choice`` it is the most likely value.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from capsim.scenario.base import Spec

LOWEST_U = 2.0**-53
"""Sampling uses u in [LOWEST_U, 1 - LOWEST_U], so unbounded distributions stay finite."""
MAX_MAGNITUDE = 1e13
"""Largest absolute value of a distribution parameter (as large as the largest USD amount)."""
MAX_LOG_SIGMA = 10.0
"""Largest ``sigma`` of a lognormal: e^(10 · 8.2) stays far from overflow at any u."""
MAX_PERT_SHAPE = 1000.0
"""Largest ``lamb`` of a PERT distribution."""

Finite = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
Spread = Annotated[float, Field(gt=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]


class _ThreePoint(Spec):
    """A range with a most likely value: low <= mode <= high, and low < high."""

    low: Finite = Field(description="Lowest value, in the unit of the parameter it replaces.")
    mode: Finite = Field(description="Most likely value, in the unit of the parameter it replaces.")
    high: Finite = Field(description="Highest value, in the unit of the parameter it replaces.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("need low <= mode <= high and low < high")
        return self


class Triangular(_ThreePoint):
    """Triangular on [low, high] with its peak at ``mode``."""

    distribution: Literal["triangular"] = Field(description="Write ``triangular``.")

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall."""
        low, mode, high = self.low, self.mode, self.high
        split = (mode - low) / (high - low)
        if u < split:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))


class Uniform(Spec):
    """Uniform on [low, high]."""

    distribution: Literal["uniform"] = Field(description="Write ``uniform``.")
    low: Finite = Field(description="Lowest value, in the unit of the parameter it replaces.")
    high: Finite = Field(description="Highest value, in the unit of the parameter it replaces.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low < self.high:
            raise ValueError("need low < high")
        return self

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall."""
        return self.low + u * (self.high - self.low)


class Normal(Spec):
    """Normal with ``mean`` and ``sd``, truncated to [low, high] when they are given."""

    distribution: Literal["normal"] = Field(description="Write ``normal``.")
    mean: Finite = Field(description="Mean, in the unit of the parameter it replaces.")
    sd: Spread = Field(description="Standard deviation, in the unit of the parameter it replaces.")
    low: Finite | None = Field(
        None,
        description="Floor for draws, in the unit of the parameter it replaces; none: no floor.",
    )
    high: Finite | None = Field(
        None, description="Ceiling for draws, in the unit of the parameter it replaces; none: none."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError("need low < high")
        lower, upper = self._cdf_bounds()
        if upper - lower < 1e-12:
            raise ValueError("[low, high] lies too far in a tail of the normal to sample")
        return self

    def _cdf_bounds(self) -> tuple[float, float]:
        from scipy.special import ndtr

        lower = 0.0 if self.low is None else float(ndtr((self.low - self.mean) / self.sd))
        upper = 1.0 if self.high is None else float(ndtr((self.high - self.mean) / self.sd))
        return lower, upper

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall."""
        from scipy.special import ndtri

        lower, upper = self._cdf_bounds()
        value = self.mean + self.sd * float(ndtri(lower + u * (upper - lower)))
        return _clip(value, self.low, self.high)


class Lognormal(Spec):
    """Lognormal with ``median`` and ``sigma`` (the sd of its logarithm)."""

    distribution: Literal["lognormal"] = Field(description="Write ``lognormal``.")
    median: Spread = Field(description="Median, in the unit of the parameter it replaces.")
    sigma: Annotated[float, Field(gt=0, le=MAX_LOG_SIGMA, allow_inf_nan=False)] = Field(
        description="Standard deviation of the logarithm (no unit): 0.1 is about ±10 %."
    )

    @model_validator(mode="after")
    def _finite_ends(self) -> Self:
        for u in (LOWEST_U, 1 - LOWEST_U):
            try:
                value = self.ppf(u)
            except OverflowError:
                value = math.inf
            if not math.isfinite(value) or value > MAX_MAGNITUDE:
                raise ValueError(
                    f"median {self.median:g} and sigma {self.sigma:g} reach {value:g}; "
                    f"draws must stay at most {MAX_MAGNITUDE:g}: lower the median or sigma"
                )
        return self

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall."""
        from scipy.special import ndtri

        return self.median * math.exp(self.sigma * float(ndtri(u))) if u > 0 else 0.0


class Pert(_ThreePoint):
    """PERT (modified beta) on [low, high] with mode ``mode`` and shape ``lamb`` (4 by default).

    Beta(1 + lamb (mode - low)/(high - low), 1 + lamb (high - mode)/(high - low)),
    scaled to [low, high] (Vose, *Risk Analysis*, 3rd ed., 2008, § 9.1.4).
    """

    distribution: Literal["pert"] = Field(description="Write ``pert``.")
    lamb: Annotated[float, Field(gt=0, le=MAX_PERT_SHAPE, allow_inf_nan=False)] = Field(
        4.0, description="Weight of the mode (no unit); 4 is the classic PERT, more is narrower."
    )

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall."""
        from scipy.special import betaincinv

        span = self.high - self.low
        alpha = 1 + self.lamb * (self.mode - self.low) / span
        beta = 1 + self.lamb * (self.high - self.mode) / span
        return self.low + span * float(betaincinv(alpha, beta, u))


class Choice(Spec):
    """One of ``values``, with probabilities proportional to ``weights`` (equal if omitted)."""

    distribution: Literal["choice"] = Field(description="Write ``choice``.")
    values: tuple[Finite, ...] = Field(
        min_length=1, description="The possible values, in the unit of the parameter it replaces."
    )
    weights: tuple[Annotated[float, Field(ge=0, allow_inf_nan=False)], ...] | None = Field(
        None, description="Relative weight of each value (no unit); none means equally likely."
    )

    @model_validator(mode="after")
    def _weights_fit(self) -> Self:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"give one weight per value ({len(self.values)} values, "
                    f"{len(self.weights)} weights)"
                )
            if sum(self.weights) <= 0:
                raise ValueError("at least one weight must be above 0")
        return self

    def ppf(self, u: float) -> float:
        """The value below which a fraction ``u`` of draws fall (values taken as listed)."""
        weights = self.weights or (1.0,) * len(self.values)
        target, running = u * sum(weights), 0.0
        for value, weight in zip(self.values, weights, strict=True):
            running += weight
            if target < running:
                return value
        return next(
            v for v, w in zip(reversed(self.values), reversed(weights), strict=True) if w > 0
        )


Distribution = Annotated[
    Triangular | Uniform | Normal | Lognormal | Pert | Choice,
    Field(discriminator="distribution"),
]
"""An uncertain input: one of the distributions above, chosen by its ``distribution`` key."""

DISTRIBUTION_KEY = "distribution"


def nominal(distribution: Triangular | Uniform | Normal | Lognormal | Pert | Choice) -> float:
    """The value that stands in for an uncertain input when it is not sampled.

    The median (``ppf(0.5)``), except for a ``choice``: its most likely value (the first
    of equally likely ones).

    >>> nominal(Triangular(distribution="triangular", low=40, mode=60, high=80))
    60.0
    """
    if isinstance(distribution, Choice):
        weights = distribution.weights or (1.0,) * len(distribution.values)
        return distribution.values[weights.index(max(weights))]
    return distribution.ppf(0.5)


def _clip(value: float, low: float | None, high: float | None) -> float:
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


__all__ = [
    "DISTRIBUTION_KEY",
    "LOWEST_U",
    "Choice",
    "Distribution",
    "Lognormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "nominal",
]
