"""Management information arithmetic without a database: cases opened, closed and open,
median days to close and reviews overdue, grouped by one dimension.

The selectors fetch one plain CaseRow per case (already limited to the cases the viewer's
organisation may see); everything here is pure and tested with hand-built rows.

Definitions (shown on the page):
- opened: opened within the period; closed: closed within the period;
- open at the end: opened on or before the last day and not closed by then (on hold counts
  as open);
- median days to close: the median of (closed - opened) in whole days, over the cases
  closed within the period;
- reviews overdue: reviews not completed whose due date is before today, on cases not
  closed (a figure for today, whatever the period).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

DIMENSIONS: dict[str, str] = {
    "case_type": "Case type",
    "district": "District",
    "organisation": "Lead organisation",
    "month": "Month",
}

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class CaseRow:
    """What the figures need about one case: no names, no text."""

    case_type: str
    organisation: str
    district: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    overdue_reviews: int = 0


@dataclass(frozen=True)
class FigureRow:
    """One line of the table."""

    group: str
    opened: int
    closed: int
    open_at_end: int
    median_days_to_close: float | None
    reviews_overdue: int


@dataclass(frozen=True)
class Period:
    """The first and last day counted, inclusive."""

    start: datetime.date
    end: datetime.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


def default_period(today: datetime.date) -> Period:
    """The last 12 whole months and this month to date: from the 1st of the month a year
    ago to today."""
    return Period(today.replace(year=today.year - 1, day=1), today)


def month_label(day: datetime.date) -> str:
    """The month as people read it, sortable by its key ("2026-03" -> "March 2026")."""
    return f"{day:%B %Y}"


def months_in(period: Period) -> list[datetime.date]:
    """The first day of every month the period touches, in order."""
    months = []
    day = period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def is_open_at(row: CaseRow, day: datetime.date) -> bool:
    """Opened on or before `day` and not closed by then."""
    return row.opened_on <= day and (row.closed_on is None or row.closed_on > day)


def median(values: Iterable[int]) -> float | None:
    """The median, or None for no values."""
    items = list(values)
    return float(statistics.median(items)) if items else None


def _figures(group: str, rows: list[CaseRow], period: Period, end: datetime.date) -> FigureRow:
    closed = [r for r in rows if r.closed_on in period]
    return FigureRow(
        group=group,
        opened=sum(1 for r in rows if r.opened_on in period),
        closed=len(closed),
        open_at_end=sum(1 for r in rows if is_open_at(r, end)),
        median_days_to_close=median(
            (r.closed_on - r.opened_on).days for r in closed if r.closed_on is not None
        ),
        reviews_overdue=sum(r.overdue_reviews for r in rows if r.closed_on is None),
    )


def _key(row: CaseRow, dimension: str) -> str:
    value = {
        "case_type": row.case_type,
        "district": row.district,
        "organisation": row.organisation,
    }[dimension]
    return value or NOT_RECORDED


def figures(rows: Iterable[CaseRow], *, group_by: str, period: Period) -> list[FigureRow]:
    """The table: one row per group (sorted by name, or by month), then a total row.

    By month, each month's "open at the end" is at the end of that month (or the period),
    and reviews overdue (a figure for today) appear in the total only.
    """
    items = list(rows)
    if group_by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {group_by!r}")
    table: list[FigureRow] = []
    if group_by == "month":
        for first in months_in(period):
            last = min(
                (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
                - datetime.timedelta(days=1),
                period.end,
            )
            month = Period(max(first, period.start), last)
            line = _figures(month_label(first), items, month, month.end)
            table.append(
                FigureRow(
                    line.group,
                    line.opened,
                    line.closed,
                    line.open_at_end,
                    line.median_days_to_close,
                    0,
                )
            )
    else:
        groups: dict[str, list[CaseRow]] = defaultdict(list)
        for row in items:
            groups[_key(row, group_by)].append(row)
        for name in sorted(groups, key=lambda g: (g == NOT_RECORDED, g.lower())):
            figure = _figures(name, groups[name], period, period.end)
            if figure.opened or figure.closed or figure.open_at_end or figure.reviews_overdue:
                table.append(figure)
    table.append(_figures("Total", items, period, period.end))
    return table


@dataclass(frozen=True)
class MonthlyVolume:
    """A count for one month, with how many of them were repeats."""

    month: str
    count: int
    repeats: int

    @property
    def repeat_percentage(self) -> float | None:
        return round(100 * self.repeats / self.count, 1) if self.count else None


def monthly_volumes(
    events: Iterable[tuple[datetime.date, bool]], period: Period
) -> list[MonthlyVolume]:
    """Counts per month of the period from (date, is_repeat) pairs (MARAC referrals)."""
    counts: dict[datetime.date, list[int]] = {m: [0, 0] for m in months_in(period)}
    for day, repeat in events:
        if day in period:
            bucket = counts[day.replace(day=1)]
            bucket[0] += 1
            bucket[1] += int(repeat)
    return [MonthlyVolume(month_label(m), c, r) for m, (c, r) in counts.items()]
