"""The independent ``stinger_ref`` model: its deterministic parts and its sanity figures."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import stinger_ref_model as ref


def test_cumulative_capacity_is_the_integral_of_the_rate() -> None:
    months = np.linspace(0.0, 40.0, 4001)
    rate = ref.capacity_rate(months)
    trapezoid = np.concatenate(([0.0], np.cumsum(np.diff(months) * (rate[1:] + rate[:-1]) / 2)))
    # The trapezoid rule is exact for a piecewise-linear rate with a knot on the grid.
    assert np.allclose(ref.cumulative_capacity(months), trapezoid)
    assert np.allclose(ref.inverse_cumulative_capacity(ref.cumulative_capacity(months)), months)


def test_a_line_with_kits_and_backlog_makes_the_integral_of_its_ramp_within_one_unit() -> None:
    done = ref.Pipeline().assemble(np.zeros(3000))
    for month in np.arange(0.0, 48.5, 0.5):
        made = np.count_nonzero(done <= month + 1e-9)
        assert abs(made - float(ref.cumulative_capacity(month))) < 1.0, month
    assert np.count_nonzero(done <= 36.0 + 1e-9) == 1680  # the 20->60 example


def test_the_line_waits_for_kits_and_never_works_faster_than_its_rate() -> None:
    kits = np.array([0.0, 5.0, 5.0, 5.0])
    done = ref.Pipeline().assemble(kits)
    assert done[1] > 5.0
    capacity_used = np.diff(ref.cumulative_capacity(done))
    assert np.all(capacity_used >= 1.0 - 1e-9)


def test_suppliers_work_their_backlog_at_their_capacity() -> None:
    pipeline = ref.Pipeline()
    pipeline.award(0.0, 110)
    assert pipeline.supplier_free["seeker"] == pytest.approx(110 / 55)
    assert pipeline.supplier_free["gripstock_battery"] == pytest.approx(110 / 100)
    pipeline.award(1.0, 55)  # the seeker supplier is still busy with the first batch
    assert pipeline.supplier_free["seeker"] == pytest.approx(3.0)
    assert pipeline.supplier_free["gripstock_battery"] == pytest.approx(
        (110 + 55) / 100
    )  # busy too


@pytest.mark.parametrize("award_month", [0.0, 3.0, 37.0])
def test_no_delivery_before_the_lead_times(award_month: float) -> None:
    assembled, delivered = ref.Pipeline().award(award_month, 700)
    longest = max(lead + 1 / capacity for capacity, lead in ref.SUPPLIERS.values())
    assert assembled.min() >= award_month + longest
    assert np.allclose(delivered - assembled, ref.DELIVERY_LAG)
    assert np.all(np.diff(delivered) > 0)


def test_the_review_of_month_3_sees_the_transfer_dated_the_same_day() -> None:
    for seed in range(20):
        out = ref.simulate(seed)
        assert out["awarded"][:3].sum() == 0
        assert out["awarded"][3] == ref.UNITS_PER_YEAR


def test_stock_balances_and_nothing_goes_negative() -> None:
    for seed in range(20):
        out = ref.simulate(seed)
        served = out["demand"] - out["unmet"]
        expected = ref.INITIAL_STOCK + np.cumsum(out["deliveries"] - served)
        assert np.array_equal(out["stock"], expected)
        assert out["stock"].min() >= 0
        assert np.all(served >= 0)
        assert out["production"][:21].sum() == 0  # award at 3 + 18 months for the seeker
        years = out["awarded"].reshape(10, 12).sum(axis=1)
        assert years.max() <= ref.UNITS_PER_YEAR


@pytest.mark.slow
def test_means_agree_with_the_spec_sanity_figures() -> None:
    """The spec's figures are for sanity only: agree within 2 % (measured: 0.1-1.3 %)."""
    runs = ref.replicate(400)
    assert runs["production"].sum(axis=1).mean() == pytest.approx(2890, rel=0.02)
    assert runs["unmet"].sum(axis=1).mean() == pytest.approx(495, rel=0.02)
    assert runs["stock"][:, 60].mean() == pytest.approx(1230, rel=0.02)
