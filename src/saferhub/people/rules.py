"""Person policy without a database: which dates of birth and ages are possible.

A date of birth cannot be in the future, nor more than 120 years ago; an approximate age is
at most 120. Both messages are the ones the member reads on the form.
"""

from __future__ import annotations

import datetime

OLDEST_AGE = 120


def date_of_birth_problem(date_of_birth: datetime.date | None, *, today: datetime.date) -> str:
    """Why a date of birth is impossible ("" when it is possible or not given)."""
    if date_of_birth is None:
        return ""
    if date_of_birth > today:
        return "Date of birth must be today or in the past"
    if date_of_birth < today.replace(year=today.year - OLDEST_AGE, day=min(today.day, 28)):
        return f"Date of birth must be within the last {OLDEST_AGE} years"
    return ""


def approximate_age_problem(age: int | None) -> str:
    """Why an approximate age is impossible ("" when it is possible or not given)."""
    if age is not None and not 0 <= age <= OLDEST_AGE:
        return f"Approximate age must be between 0 and {OLDEST_AGE}"
    return ""


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on a day."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )
