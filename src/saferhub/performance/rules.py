"""Performance pages' policy, pure: who sees restricted figures, and how figures are said.

No database. The wording here is what the pages (and the board report) show, in GOV.UK
style: significance in words, red/amber/green as a tag with text, the change with its base,
the position in the peer group, and the periods a user can choose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from saferhub.organisations.rules import Capability, Role, capabilities_for

RESTRICTED_FIGURE_CAPABILITIES = frozenset({Capability.VIEW_PERSONAL_RECORDS, Capability.LOAD_DATA})
"""Restricted indicators (``restricted = true``: MARAC and Channel referrals) are shown only to
roles that already handle the data behind them: those who see case records (team managers,
MARAC coordinators) and analysts, who load the partner files. Board members and partnership
administrators see every other indicator (ADR 0006)."""


def sees_restricted(role: Role | str) -> bool:
    """Whether a member with this role may see restricted indicators."""
    return bool(capabilities_for(role) & RESTRICTED_FIGURE_CAPABILITIES)


# ------------------------------------------------------------------------------------------
# Wording


def figure(value: float | int | None, places: int = 0) -> str:
    """A figure as shown: commas, fixed decimal places; "No data" for None."""
    if value is None:
        return "No data"
    if places == 0:
        return f"{round(value):,}"
    return f"{value:,.{places}f}"


def change_text(result: Mapping[str, Any]) -> str:
    """The change on the same period a year earlier, e.g. "+16.3% (from 6,142 to 7,055)"."""
    count, previous = result.get("count"), result.get("previous_count")
    if count is None or previous is None:
        return "No comparison"
    pct = result.get("change_pct")
    base = f"from {figure(previous)} to {figure(count)}"
    if pct is None:
        return f"{count - previous:+,} ({base})"
    return f"{pct:+.1f}% ({base})"


def significance_text(result: Mapping[str, Any]) -> str:
    """Whether the change on a year earlier is statistically significant, in words."""
    significant = result.get("significant")
    if significant is None:
        return "Not tested (no comparison)"
    if not significant:
        return "No significant change"
    ratio = result.get("rate_ratio")
    change = result.get("change")
    rise = (ratio is not None and ratio > 1) or (ratio is None and (change or 0) > 0)
    return "Rise is statistically significant" if rise else "Fall is statistically significant"


@dataclass(frozen=True, slots=True)
class RagTag:
    """A red/amber/green status as a GOV.UK tag: its words and its colour class."""

    text: str
    css: str


RAG_TAGS: dict[str | None, RagTag] = {
    "red": RagTag("Red", "govuk-tag--red"),
    "amber": RagTag("Amber", "govuk-tag--yellow"),
    "green": RagTag("Green", "govuk-tag--green"),
    None: RagTag("Not rated", "govuk-tag--grey"),
}


def rag_tag(rag: str | None) -> RagTag:
    """The tag for a RAG status (None: not rated)."""
    return RAG_TAGS.get(rag, RAG_TAGS[None])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def peer_text(result: Mapping[str, Any]) -> str:
    """Position in the peer group, e.g. "3rd highest of 9, similar to the peer average"."""
    rank, size = result.get("peer_rank"), result.get("peer_size")
    if rank is None or not size:
        return "No peer comparison"
    text = f"{_ordinal(rank)} highest of {size}"
    comparison = result.get("peer_comparison")
    if comparison == "above":
        text += ", significantly above the peer average"
    elif comparison == "below":
        text += ", significantly below the peer average"
    elif comparison == "similar":
        text += ", similar to the peer average"
    return text


# ------------------------------------------------------------------------------------------
# Periods a user can choose


@dataclass(frozen=True, slots=True)
class PeriodChoice:
    """One option of the period chooser: its form value, label, and the scorecard period."""

    value: str
    label: str
    period: str
    period_type: str


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _month_name(year: int, month: int) -> str:
    return f"{_MONTH_NAMES[month - 1]} {year}"


def period_choices(last_month: date | None, first_month: date | None = None) -> list[PeriodChoice]:
    """The periods offered, newest first: the last eight complete calendar quarters, the 12
    months to the latest month, financial year to date, and the last two complete
    financial years (April to March), all ending no later than ``last_month`` (the latest
    month loaded) and, where known, starting no earlier than ``first_month``."""
    if last_month is None:
        return []
    choices: list[PeriodChoice] = []
    y, m = last_month.year, last_month.month
    choices.append(
        PeriodChoice(
            f"{y}-{m:02d}-rolling-12",
            f"12 months to {_month_name(y, m)}",
            f"{y}-{m:02d}",
            "rolling-12",
        )
    )
    fy_start = y if m >= 4 else y - 1
    choices.append(
        PeriodChoice(
            f"{y}-{m:02d}-fytd",
            f"Financial year to date (April {fy_start} to {_month_name(y, m)})",
            f"{y}-{m:02d}",
            "fytd",
        )
    )
    # Complete quarters.
    q_last = (m // 3) * 3  # last month of the latest complete quarter
    qy = y
    if q_last == 0:
        qy, q_last = y - 1, 12
    for _ in range(8):
        quarter = q_last // 3
        first_of_quarter = date(qy, q_last - 2, 1)
        if first_month is not None and first_of_quarter < first_month:
            break
        choices.append(
            PeriodChoice(
                f"{qy}-Q{quarter}",
                f"{_MONTH_NAMES[q_last - 3]} to {_MONTH_NAMES[q_last - 1]} {qy} (quarter {quarter})",
                f"{qy}-Q{quarter}",
                "quarter",
            )
        )
        q_last -= 3
        if q_last == 0:
            qy, q_last = qy - 1, 12
    # Complete financial years.
    fy_end = y if m >= 3 else y - 1  # the March ending the latest complete financial year
    for _ in range(2):
        start = fy_end - 1
        if first_month is not None and date(start, 4, 1) < first_month:
            break
        choices.append(
            PeriodChoice(
                f"{start}/{str(fy_end)[2:]}",
                f"Financial year {start} to {fy_end} (April to March)",
                f"{start}/{str(fy_end)[2:]}",
                "fy",
            )
        )
        fy_end -= 1
    # Dedupe (values are unique by construction, but keep the first of any repeat).
    seen: set[str] = set()
    unique = []
    for choice in choices:
        if choice.value not in seen:
            seen.add(choice.value)
            unique.append(choice)
    return unique


def default_period(choices: list[PeriodChoice]) -> PeriodChoice | None:
    """The period a dashboard opens with: the latest complete quarter (else the first)."""
    for choice in choices:
        if choice.period_type == "quarter":
            return choice
    return choices[0] if choices else None
