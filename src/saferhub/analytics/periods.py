"""Reporting periods for CSP scorecards: month, quarter, financial year, year to date, rolling 12.

Conventions (documented for users in docs/analytics/methods.md):

* Period strings: ``2022-07`` is the month of July 2022; ``2022-Q2`` is the *calendar* quarter
  April to June 2022 (Q1 = January to March); ``2022/23`` is the financial year April 2022 to
  March 2023.
* A period *type* turns a period string into the months reported, always anchored at the
  *end* of the given period (its last month):

  - ``month``: that last month;
  - ``quarter``: the calendar quarter containing it;
  - ``fy``: the financial year (April to March) containing it;
  - ``fytd``: financial year to date: from the April before (or of) it, up to and including it;
  - ``rolling-12``: the 12 months ending with it.

  Without a type, the string's own type is used (``2022-Q2`` -> quarter).
* The comparison period is the same months one year earlier.
* Months are represented by the first day of the month (``datetime.date``).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "Period",
    "PeriodError",
    "PeriodType",
    "add_months",
    "month_index",
    "month_label",
    "months_between",
    "parse_month",
    "resolve_period",
]


class PeriodError(ValueError):
    """A period string or type that cannot be understood; the message says what is expected."""


class PeriodType(enum.Enum):
    """How many months a reported figure covers (the names are those of the command line)."""

    MONTH = "month"
    QUARTER = "quarter"
    FY = "fy"
    FYTD = "fytd"
    ROLLING_12 = "rolling-12"

    @classmethod
    def parse(cls, text: str) -> PeriodType:
        """The period type named ``text`` (``month``, ``quarter``, ``fy``, ``fytd``, ``rolling-12``)."""
        aliases = {"rolling12": "rolling-12", "r12": "rolling-12", "financial-year": "fy"}
        key = aliases.get(text.strip().lower(), text.strip().lower())
        for member in cls:
            if member.value == key:
                return member
        names = ", ".join(m.value for m in cls)
        raise PeriodError(f"unknown period type {text!r}: use one of {names}")


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (``n`` may be negative)."""
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def month_index(month: date) -> int:
    """A month as a whole number (year * 12 + month - 1), so months can be subtracted."""
    return month.year * 12 + month.month - 1


def month_label(month: date) -> str:
    """A month as ``YYYY-MM``, the form police.uk uses."""
    return f"{month.year:04d}-{month.month:02d}"


def months_between(first: date, last: date) -> tuple[date, ...]:
    """Every month from ``first`` to ``last`` inclusive (empty if ``last`` is before ``first``)."""
    return tuple(add_months(first, i) for i in range(month_index(last) - month_index(first) + 1))


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_FY = re.compile(r"^(?:FY)?(\d{4})/(\d{2}|\d{4})$", re.IGNORECASE)


def parse_month(text: str) -> date:
    """A ``YYYY-MM`` month string as the first day of that month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2022-07")
    return date(int(match.group(1)), int(match.group(2)), 1)


@dataclass(frozen=True, slots=True)
class Period:
    """A run of whole months reported together, e.g. the quarter April to June 2022."""

    type: PeriodType
    first: date
    """First month (first day of it)."""
    last: date
    """Last month (first day of it)."""

    @property
    def months(self) -> tuple[date, ...]:
        """Every month of the period, oldest first."""
        return months_between(self.first, self.last)

    @property
    def length(self) -> int:
        """Number of months in the period."""
        return month_index(self.last) - month_index(self.first) + 1

    @property
    def label(self) -> str:
        """The period as users write it: ``2022-07``, ``2022-Q2``, ``2022/23``, ..."""
        if self.type is PeriodType.MONTH:
            return month_label(self.last)
        if self.type is PeriodType.QUARTER:
            return f"{self.last.year}-Q{(self.last.month - 1) // 3 + 1}"
        fy = _fy_start_year(self.last)
        fy_label = f"{fy}/{(fy + 1) % 100:02d}"
        if self.type is PeriodType.FY:
            return fy_label
        if self.type is PeriodType.FYTD:
            return f"{fy_label} to {month_label(self.last)}"
        return f"12 months to {month_label(self.last)}"

    @property
    def description(self) -> str:
        """Plain English, e.g. ``April 2022 to June 2022``."""
        first = self.first.strftime("%B %Y")
        last = self.last.strftime("%B %Y")
        return first if first == last else f"{first} to {last}"

    @property
    def population_year(self) -> int:
        """The mid-year population estimate used as the denominator for this period.

        The calendar year of the period's middle month (for an even number of months, the
        later of the two middle months): a financial year 2022/23 uses mid-2022, the quarter
        April to June 2022 uses mid-2022, 12 months to June 2022 uses mid-2022.
        """
        return add_months(self.first, self.length // 2).year

    def year_earlier(self) -> Period:
        """The comparison period: the same months one year earlier."""
        return Period(self.type, add_months(self.first, -12), add_months(self.last, -12))

    def shifted(self, months: int) -> Period:
        """The same kind of period moved by ``months`` (used to list consecutive quarters)."""
        return Period(self.type, add_months(self.first, months), add_months(self.last, months))


def _fy_start_year(month: date) -> int:
    """The year in which the financial year containing ``month`` starts (April)."""
    return month.year if month.month >= 4 else month.year - 1


def _natural(text: str) -> tuple[PeriodType, date]:
    """The period string's own type and its last month."""
    stripped = text.strip()
    if match := _QUARTER.match(stripped):
        year, quarter = int(match.group(1)), int(match.group(2))
        return PeriodType.QUARTER, date(year, quarter * 3, 1)
    if match := _FY.match(stripped):
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if end_text and end < start:
            end += 100
        if end != start + 1:
            raise PeriodError(
                f"{text!r} is not a financial year: the second year must follow the first, "
                "e.g. 2022/23"
            )
        return PeriodType.FY, date(end, 3, 1)
    if _MONTH.match(stripped):
        return PeriodType.MONTH, parse_month(stripped)
    raise PeriodError(
        f"{text!r} is not a period: write a month as 2022-07, a calendar quarter as 2022-Q2 "
        "(April to June) or a financial year as 2022/23"
    )


def resolve_period(text: str, period_type: PeriodType | str | None = None) -> Period:
    """The months reported for period string ``text`` under ``period_type``.

    The type is anchored at the end of the given period: ``resolve_period('2022-Q2',
    'rolling-12')`` is July 2021 to June 2022; ``resolve_period('2022-Q2', 'fytd')`` is April
    to June 2022. Without a type the string's own type is used.
    """
    natural_type, last = _natural(text)
    kind = PeriodType.parse(period_type) if isinstance(period_type, str) else period_type
    kind = kind or natural_type
    if kind is PeriodType.MONTH:
        return Period(kind, last, last)
    if kind is PeriodType.QUARTER:
        first = date(last.year, (last.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, first, add_months(first, 2))
    if kind is PeriodType.FY:
        first = date(_fy_start_year(last), 4, 1)
        return Period(kind, first, add_months(first, 11))
    if kind is PeriodType.FYTD:
        return Period(kind, date(_fy_start_year(last), 4, 1), last)
    return Period(kind, add_months(last, -11), last)
