"""Rate schedules and calendar arithmetic that the model's timing rests on."""

from __future__ import annotations

import datetime as dt

import pytest

from capsim.calendar import Calendar, add_months, fiscal_year_of
from capsim.model.schedule import monthly_rates
from capsim.scenario.base import Interpolation, RatePoint


def points(*pairs: tuple[str, float]) -> tuple[RatePoint, ...]:
    return tuple(RatePoint(date=dt.date.fromisoformat(day), rate=rate) for day, rate in pairs)


def test_constant_rate() -> None:
    calendar = Calendar(dt.date(2024, 1, 1), 3)
    assert monthly_rates(4.5, calendar).tolist() == [4.5, 4.5, 4.5]


def test_step_in_mid_month_counts_for_the_days_it_covers() -> None:
    calendar = Calendar(dt.date(2024, 4, 1), 3)  # April has 30 days
    schedule = points(("2024-04-01", 0.0), ("2024-04-16", 30.0))
    assert monthly_rates(schedule, calendar).tolist() == [15.0, 30.0, 30.0]


def test_flat_before_first_and_after_last_point() -> None:
    calendar = Calendar(dt.date(2024, 1, 1), 4)
    schedule = points(("2024-02-01", 5.0), ("2024-03-01", 7.0))
    assert monthly_rates(schedule, calendar).tolist() == [5.0, 5.0, 7.0, 7.0]


def test_linear_ramp_averages_over_the_month() -> None:
    calendar = Calendar(dt.date(2024, 1, 1), 2)
    schedule = points(("2024-01-01", 0.0), ("2024-02-01", 31.0))
    rates = monthly_rates(schedule, calendar, Interpolation.LINEAR)
    assert rates.tolist() == pytest.approx([15.0, 31.0])


@pytest.mark.parametrize(
    ("date", "months", "expected"),
    [
        ("2022-05-25", 30, "2024-11-25"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-01-15", 0.5, "2024-01-30"),
        ("2024-12-01", 1, "2025-01-01"),
    ],
)
def test_add_months(date: str, months: float, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(date), months).isoformat() == expected


def test_fiscal_years() -> None:
    assert fiscal_year_of(dt.date(2023, 9, 30), 10) == 2023
    assert fiscal_year_of(dt.date(2023, 10, 1), 10) == 2024
    assert fiscal_year_of(dt.date(2023, 10, 1), 1) == 2023
    calendar = Calendar(dt.date(2024, 1, 1), 24)
    starts = [month for month in range(24) if calendar.starts_fiscal_year(month)]
    assert starts == [0, 9, 21]
    assert calendar.fiscal_year(8) == 2024
    assert calendar.fiscal_year(9) == 2025


def test_calendar_boundaries_are_days_since_start() -> None:
    calendar = Calendar(dt.date(2024, 1, 1), 3)
    assert calendar.boundaries.tolist() == [0, 31, 60, 91]
    assert calendar.month_of_day(30.5) == 0
    assert calendar.month_of_day(31) == 1
    assert calendar.date(59.5) == dt.date(2024, 2, 29)
