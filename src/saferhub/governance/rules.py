"""Retention policy without a database: when a record is due for review or erasure.

A partnership keeps personal records for `retention_years` (default 6) after a case closes
or after the last activity on a person or incident. An organisation serving several
partnerships keeps its records for the longest of their periods, so no partnership's
policy is cut short. Records still in use (a case not closed, or a person linked to one)
are never due.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

DEFAULT_RETENTION_YEARS = 6

ERASED_GIVEN_NAME = "Erased"
ERASED_FAMILY_NAME = "record"
ERASED_CASE_TITLE = "Erased case"
ERASED_TEXT = "Erased"


def retention_years_for(partnership_years: Iterable[int]) -> int:
    """The retention period for an organisation's records: the longest of its
    partnerships' periods, or the default if it serves none."""
    return max(partnership_years, default=DEFAULT_RETENTION_YEARS)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """Records whose last activity was before this day are due for review."""
    return years_before(today, years)


def review_due_on(last_activity: datetime.date, years: int) -> datetime.date:
    """The day a record becomes due for review: `years` after its last activity."""
    try:
        return last_activity.replace(year=last_activity.year + years)
    except ValueError:
        return last_activity.replace(year=last_activity.year + years, day=28)


def is_due(
    *, last_activity: datetime.date, years: int, today: datetime.date, in_use: bool = False
) -> bool:
    """Whether a record is due for review: not in use, and its review date has come."""
    return not in_use and review_due_on(last_activity, years) <= today


def erasure_problem(*, due: bool, already_erased: bool, reason: str) -> str | None:
    """Why a record may not be erased now, or None: it must be due, not already erased,
    and the reason must be given."""
    if already_erased:
        return "This record has already been erased"
    if not due:
        return "This record is not yet past its retention period"
    if not reason.strip():
        return "Enter why you are erasing this record"
    return None
