"""Casework figures from hand-built rows: every measure and grouping, checked by hand."""

import datetime

import pytest

from saferhub.casework_mi import rules
from saferhub.casework_mi.rules import CaseRow, Period

D = datetime.date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31))

ROWS = [
    # opened before, closed in the period after 40 days
    CaseRow("ASB", "Council", "E07000001", D(2025, 12, 20), D(2026, 1, 29)),
    # opened and closed in the period: 10 days
    CaseRow("ASB", "Council", "E07000002", D(2026, 2, 1), D(2026, 2, 11)),
    # opened in the period, still open, two reviews overdue
    CaseRow("Domestic abuse", "Police", "E07000001", D(2026, 3, 5), None, overdue_reviews=2),
    # closed before the period: counts nowhere
    CaseRow("ASB", "Police", "", D(2025, 1, 1), D(2025, 6, 1)),
    # opened after the period: counts nowhere
    CaseRow("ASB", "Police", "", D(2026, 4, 2), None, overdue_reviews=1),
]


def test_by_case_type() -> None:
    table = rules.figures(
        [r for r in ROWS if r.opened_on <= PERIOD.end], group_by="case_type", period=PERIOD
    )
    assert [(r.group, r.opened, r.closed, r.open_at_end, r.reviews_overdue) for r in table] == [
        ("ASB", 1, 2, 0, 0),
        ("Domestic abuse", 1, 0, 1, 2),
        ("Total", 2, 2, 1, 2),
    ]
    assert table[0].median_days_to_close == 25.0  # median of 40 and 10
    assert table[1].median_days_to_close is None


def test_by_district_puts_not_recorded_last_and_drops_empty_groups() -> None:
    rows = [*ROWS[:3], CaseRow("ASB", "Police", "", D(2026, 1, 5), None)]
    table = rules.figures(rows, group_by="district", period=PERIOD)
    assert [(r.group, r.opened, r.open_at_end) for r in table] == [
        ("E07000001", 1, 1),
        ("E07000002", 1, 0),
        ("Not recorded", 1, 1),
        ("Total", 3, 2),
    ]


def test_by_organisation() -> None:
    table = rules.figures(ROWS[:3], group_by="organisation", period=PERIOD)
    assert [(r.group, r.opened, r.closed) for r in table] == [
        ("Council", 1, 2),
        ("Police", 1, 0),
        ("Total", 2, 2),
    ]


def test_by_month_counts_each_month_and_open_at_each_month_end() -> None:
    table = rules.figures(ROWS[:3], group_by="month", period=PERIOD)
    assert [(r.group, r.opened, r.closed, r.open_at_end, r.reviews_overdue) for r in table] == [
        ("January 2026", 0, 1, 0, 0),
        ("February 2026", 1, 1, 0, 0),
        ("March 2026", 1, 0, 1, 0),
        ("Total", 2, 2, 1, 2),
    ]


def test_an_on_the_day_closure_is_not_open_that_day() -> None:
    row = CaseRow("ASB", "Council", "", D(2026, 1, 1), D(2026, 1, 31))
    assert rules.is_open_at(row, D(2026, 1, 30))
    assert not rules.is_open_at(row, D(2026, 1, 31))
    assert not rules.is_open_at(row, D(2025, 12, 31))


def test_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="unknown dimension"):
        rules.figures([], group_by="colour", period=PERIOD)


def test_default_period_and_months() -> None:
    period = rules.default_period(D(2026, 5, 17))
    assert period == Period(D(2025, 5, 1), D(2026, 5, 17))
    assert len(rules.months_in(period)) == 13
    assert rules.month_label(D(2026, 3, 9)) == "March 2026"


def test_monthly_marac_volumes_with_repeat_rate() -> None:
    volumes = rules.monthly_volumes(
        [
            (D(2026, 1, 3), False),
            (D(2026, 1, 20), True),
            (D(2026, 3, 1), False),
            (D(2025, 1, 1), True),
        ],
        PERIOD,
    )
    assert [(v.month, v.count, v.repeats, v.repeat_percentage) for v in volumes] == [
        ("January 2026", 2, 1, 50.0),
        ("February 2026", 0, 0, None),
        ("March 2026", 1, 0, 0.0),
    ]
