"""Reporting periods: parsing, period types anchored at the period end, comparison periods."""

from __future__ import annotations

from datetime import date

import pytest

from saferhub.analytics.periods import (
    PeriodError,
    PeriodType,
    add_months,
    months_between,
    resolve_period,
)


def test_month_string_is_that_month() -> None:
    period = resolve_period("2022-07")
    assert (period.type, period.first, period.last, period.label) == (
        PeriodType.MONTH,
        date(2022, 7, 1),
        date(2022, 7, 1),
        "2022-07",
    )


def test_quarter_is_calendar_quarter() -> None:
    period = resolve_period("2022-Q2")
    assert period.months == (date(2022, 4, 1), date(2022, 5, 1), date(2022, 6, 1))
    assert period.label == "2022-Q2"
    assert resolve_period("2022-Q1").months[0] == date(2022, 1, 1)


def test_financial_year_runs_april_to_march() -> None:
    period = resolve_period("2022/23")
    assert (period.first, period.last, period.length) == (date(2022, 4, 1), date(2023, 3, 1), 12)
    assert period.label == "2022/23"
    assert resolve_period("1999/00").last == date(2000, 3, 1)


@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2022-Q2", "rolling-12", date(2021, 7, 1), date(2022, 6, 1)),
        ("2022-Q2", "fytd", date(2022, 4, 1), date(2022, 6, 1)),
        ("2023-02", "fytd", date(2022, 4, 1), date(2023, 2, 1)),
        ("2022-Q2", "fy", date(2022, 4, 1), date(2023, 3, 1)),
        ("2022-08", "quarter", date(2022, 7, 1), date(2022, 9, 1)),
        ("2022/23", "month", date(2023, 3, 1), date(2023, 3, 1)),
        ("2022/23", "rolling-12", date(2022, 4, 1), date(2023, 3, 1)),
    ],
)
def test_period_type_is_anchored_at_the_end(text: str, kind: str, first: date, last: date) -> None:
    period = resolve_period(text, kind)
    assert (period.first, period.last) == (first, last)


def test_year_earlier_is_same_months_a_year_before() -> None:
    previous = resolve_period("2022-Q2", "rolling-12").year_earlier()
    assert (previous.first, previous.last) == (date(2020, 7, 1), date(2021, 6, 1))
    assert previous.label == "12 months to 2021-06"


def test_population_year_is_middle_month_year() -> None:
    assert resolve_period("2022/23").population_year == 2022
    assert resolve_period("2022-Q2", "rolling-12").population_year == 2022
    assert resolve_period("2022-03", "rolling-12").population_year == 2021
    assert resolve_period("2022-Q1").population_year == 2022


def test_month_arithmetic() -> None:
    assert add_months(date(2022, 1, 1), -1) == date(2021, 12, 1)
    assert add_months(date(2022, 11, 1), 14) == date(2024, 1, 1)
    assert len(months_between(date(2020, 1, 1), date(2021, 12, 1))) == 24
    assert months_between(date(2021, 1, 1), date(2020, 1, 1)) == ()


@pytest.mark.parametrize("bad", ["2022-13", "2022-Q5", "2022/24", "July 2022", ""])
def test_bad_period_strings_say_what_is_expected(bad: str) -> None:
    with pytest.raises(PeriodError, match="2022"):
        resolve_period(bad)


def test_unknown_period_type() -> None:
    with pytest.raises(PeriodError, match="rolling-12"):
        resolve_period("2022-07", "fortnight")
