"""Uncertain inputs: written as distributions, validated with located errors, sampled per run."""

from __future__ import annotations

import numpy as np
import pytest

import capsim
from capsim.scenario.distributions import Choice, Lognormal, Normal, Pert, Triangular, Uniform
from capsim.scenario_files.yaml_source import read_yaml_text
from tests.experiments.scenarios import scenario

TEXT = """\
scenario: {name: t, start: 2025-01-01, horizon_months: 6}
systems: {s: {}}
lines:
  l:
    system: s
    capacity: {distribution: triangular, low: 40, mode: 60, high: 80}
stockpiles:
  a: {holder: h, system: s, initial: {distribution: pert, low: 90, mode: 100, high: 130}}
uncertain:
  lines.l.acceptance_yield: {distribution: uniform, low: 0.8, high: 1}
"""


def parse(text: str) -> capsim.Scenario:
    return capsim.parse_scenario(*read_yaml_text(text, "t.yaml"))


def test_inline_distributions_move_to_uncertain_with_nominal_values() -> None:
    model = parse(TEXT)
    assert set(model.uncertain) == {
        "lines.l.capacity", "stockpiles.a.initial", "lines.l.acceptance_yield"
    }  # fmt: skip
    assert model.lines["l"].capacity == 60.0  # the median
    assert isinstance(model.stockpiles["a"].initial, int)  # whole numbers stay whole


def test_inputs_are_sampled_once_per_replication_and_recorded() -> None:
    model = parse(TEXT)
    ensemble = capsim.replicate(model, 30, seed=1, executor=capsim.SerialExecutor(), progress=False)
    inputs = ensemble.inputs
    assert list(inputs.index) == list(range(30))
    assert inputs["lines.l.capacity"].between(40, 80).all()
    assert inputs["lines.l.capacity"].nunique() == 30
    assert inputs["stockpiles.a.initial"].between(90, 130).all()
    assert (inputs["stockpiles.a.initial"] % 1 == 0).all()
    first = capsim.simulate(model, seed=1, replication=4)
    assert first.inputs == pytest.approx(inputs.loc[4].to_dict())
    assert first.scenario.stockpiles["a"].initial == inputs.loc[4, "stockpiles.a.initial"]
    kpis = ensemble.kpis.set_index("replication")
    assert (kpis["initial_stock"] == inputs["stockpiles.a.initial"]).all()


def test_a_scenario_without_uncertain_inputs_is_untouched() -> None:
    model = scenario()
    results = capsim.simulate(model, replication=2)
    assert results.inputs == {} and results.scenario is model


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ("low: 40, mode: 60, high: 80", "t.yaml:6:15: lines.l.capacity: need low <= mode"),
        ("low: 0.8, high: 1}", "lines.l.acceptance_yield: the highest value"),
        ("distribution: triangular", "unknown kind 'triangle'"),
        ("lines.l.acceptance_yield", "did you mean 'acceptance_yield'"),
    ],
)
def test_bad_distributions_get_located_errors(replace: str, message: str) -> None:
    broken = {
        "low: 40, mode: 60, high: 80": "low: 90, mode: 60, high: 80",
        "low: 0.8, high: 1}": "low: 0.8, high: 1.5}",
        "distribution: triangular": "distribution: triangle",
        "lines.l.acceptance_yield": "lines.l.acceptance_yeld",
    }[replace]
    with pytest.raises(capsim.ScenarioError, match=message):
        parse(TEXT.replace(replace, broken))


def test_distributions_invert_their_cdfs() -> None:
    u = np.linspace(0.01, 0.99, 9)
    triangular = Triangular(distribution="triangular", low=0, mode=1, high=4)
    uniform = Uniform(distribution="uniform", low=2, high=6)
    normal = Normal(distribution="normal", mean=10, sd=2, low=9, high=20)
    lognormal = Lognormal(distribution="lognormal", median=12, sigma=0.5)
    pert = Pert(distribution="pert", low=0, mode=2, high=10)
    choice = Choice(distribution="choice", values=(1, 2, 3), weights=(1, 0, 3))
    from scipy import stats

    checks = [
        (triangular, stats.triang(c=0.25, loc=0, scale=4)),
        (uniform, stats.uniform(2, 4)),
        (normal, stats.truncnorm(-0.5, 5, loc=10, scale=2)),
        (lognormal, stats.lognorm(0.5, scale=12)),
        (pert, stats.beta(1 + 4 * 0.2, 1 + 4 * 0.8, loc=0, scale=10)),
    ]
    for distribution, frozen in checks:
        assert np.allclose([distribution.ppf(x) for x in u], frozen.ppf(u)), distribution
    assert [choice.ppf(x) for x in (0.1, 0.26, 0.9)] == [1, 3, 3]
