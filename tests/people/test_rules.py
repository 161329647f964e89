"""Person rules: possible dates of birth and ages."""

import datetime

from saferhub.people import rules

D = datetime.date


def test_dates_of_birth() -> None:
    today = D(2026, 6, 30)
    assert rules.date_of_birth_problem(None, today=today) == ""
    assert rules.date_of_birth_problem(D(1990, 1, 1), today=today) == ""
    assert (
        rules.date_of_birth_problem(D(2026, 7, 1), today=today)
        == "Date of birth must be today or in the past"
    )
    assert "120 years" in rules.date_of_birth_problem(D(1900, 1, 1), today=today)


def test_ages() -> None:
    assert rules.approximate_age_problem(None) == "" and rules.approximate_age_problem(40) == ""
    assert rules.approximate_age_problem(121) != ""
    assert rules.age_on(D(2000, 7, 1), D(2026, 6, 30)) == 25
    assert rules.age_on(D(2000, 6, 30), D(2026, 6, 30)) == 26
