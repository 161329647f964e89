"""Board report policy, without a database: who writes commentary and publishes, which
indicators get a page of their own, how changes are put into words, how a period is written in
an address, and what commentary may not say in public.

Decisions (the issue left them open):

* **Commentary** is written by analysts: members who both see performance figures and load
  the data (``view_performance`` and ``load_data``), because they know where the figures come
  from. Publishing needs ``publish_reports`` (partnership administrators by default).
* **Restricted figures** (indicators marked ``restricted = true``, e.g. MARAC) are seen inside
  the partnership only by members who handle that data, by the performance pages' rule
  (``performance.rules.sees_restricted``). Board members see reports without them;
  published reports never contain them.
* **Priority indicators** (a page each): every indicator whose change on a year earlier is
  statistically significant, rated red, or that an analyst has written commentary on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from saferhub.analytics.periods import PeriodError, resolve_period
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.performance.rules import sees_restricted

PERIOD_TYPES = ("month", "quarter", "fy", "fytd", "rolling-12")


class ReportFormat(StrEnum):
    """The formats a board report is produced in."""

    PDF = "pdf"
    HTML = "html"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def content_type(self) -> str:
        """The HTTP content type of a file in this format."""
        return _CONTENT_TYPES[self]

    @property
    def label(self) -> str:
        """The format as users read it."""
        return _LABELS[self]


_CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}
_LABELS = {
    ReportFormat.PDF: "PDF",
    ReportFormat.HTML: "web page (HTML)",
    ReportFormat.XLSX: "Excel spreadsheet",
    ReportFormat.CSV: "CSV",
}

PUBLIC_FORMATS = (ReportFormat.PDF, ReportFormat.CSV)
"""Formats a published report is also offered in, beside its web page."""


# --- who may do what ---------------------------------------------------------------------


def may_view_reports(role: Role | str) -> bool:
    """Members who see performance figures may read and download board reports."""
    return role_can(role, Capability.VIEW_PERFORMANCE)


def may_write_commentary(role: Role | str) -> bool:
    """Analysts write commentary: they see the figures and load the data behind them."""
    return role_can(role, Capability.VIEW_PERFORMANCE) and role_can(role, Capability.LOAD_DATA)


def may_publish(role: Role | str) -> bool:
    """Publishing a report to the public needs the "publish reports" capability."""
    return role_can(role, Capability.PUBLISH_REPORTS)


def may_see_restricted(role: Role | str) -> bool:
    """Restricted figures are for members who handle the data behind them, by the same rule
    as the performance pages (analysts, team managers, MARAC coordinators; ADR 0006). Board
    members and administrators get reports without them."""
    return role_can(role, Capability.VIEW_PERFORMANCE) and sees_restricted(role)


# --- periods in addresses ----------------------------------------------------------------

_TOKEN = re.compile(
    r"^(?P<period>\d{4}-Q[1-4]|\d{4}-(?:0[1-9]|1[0-2])|fy\d{4}-\d{2})"
    r"(?:_(?P<type>month|quarter|fy|fytd|rolling-12))?$"
)
_NATURAL_TYPE = (
    (re.compile(r"^\d{4}-Q[1-4]$"), "quarter"),
    (re.compile(r"^\d{4}/\d{2}$"), "fy"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
)


def canonical_period(text: str, period_type: str | None = None) -> tuple[str, str]:
    """The period as stored (``2022-Q2``, ``2022/23``, ``2022-07``) and its type (``quarter``
    unless another is asked for). Raises ValueError with a message for users."""
    try:
        natural = resolve_period(text)
        chosen = resolve_period(text, period_type or None)
    except PeriodError as error:
        raise ValueError(str(error)) from error
    return natural.label, chosen.type.value


def natural_type(period: str) -> str:
    """The period string's own type: ``2022-Q2`` quarter, ``2022/23`` fy, ``2022-07`` month."""
    for pattern, kind in _NATURAL_TYPE:
        if pattern.match(period):
            return kind
    raise ValueError(f"{period!r} is not a period like 2022-Q2, 2022/23 or 2022-07")


def period_token(period: str, period_type: str) -> str:
    """How a period is written in a web address: ``2022-Q2``, ``fy2022-23``, ``2022-07``, with
    ``_rolling-12`` (etc.) added when the type is not the period's own."""
    text = f"fy{period.replace('/', '-')}" if "/" in period else period
    if period_type != natural_type(period):
        text += f"_{period_type}"
    return text


def parse_period_token(token: str) -> tuple[str, str] | None:
    """The (period, period type) an address names, or None if it names none."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    period = match.group("period")
    if period.startswith("fy"):
        period = period[2:].replace("-", "/")
    return period, match.group("type") or natural_type(period)


# --- words for figures -------------------------------------------------------------------


def whole(value: int | float | None) -> str:
    """A count as the report prints it: ``7,055``; a dash for no figure."""
    return "–" if value is None else f"{round(value):,}"


def one_decimal(value: float | None) -> str:
    """A rate as the report prints it: ``12.3``; a dash for no figure."""
    return "–" if value is None else f"{value:,.1f}"


def signed_percent(value: float | None) -> str:
    """A percentage change: ``+16%``, ``-4%``, ``0%``; a dash for no figure."""
    if value is None:
        return "–"
    rounded = round(value)
    return f"{rounded:+d}%" if rounded else "0%"


def significance_words(significant: bool | None) -> str:
    """Whether a change is statistically significant, in words."""
    if significant is None:
        return "Not tested"
    return "Significant" if significant else "Not significant"


def change_sentence(
    name: str,
    count: int | None,
    previous: int | None,
    change_pct: float | None,
    significant: bool | None,
) -> str | None:
    """The plain-English sentence for one indicator's change on a year earlier, e.g.
    "Violence and sexual offences rose 16% (from 6,142 to 7,055); the rise is statistically
    significant." None when there are no two figures to compare."""
    if count is None or previous is None:
        return None
    if count == previous:
        return f"{name} was unchanged at {whole(count)}."
    direction = "rose" if count > previous else "fell"
    noun = "rise" if count > previous else "fall"
    amount = f" {abs(round(change_pct))}%" if change_pct is not None else ""
    figures = f"(from {whole(previous)} to {whole(count)})"
    if significant is None:
        judgement = "significance was not tested"
    elif significant:
        judgement = f"the {noun} is statistically significant"
    else:
        judgement = f"the {noun} is not statistically significant"
    return f"{name} {direction}{amount} {figures}; {judgement}."


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What the priority and summary rules need to know about one scorecard line."""

    indicator_id: str
    name: str
    count: int | None
    previous: int | None
    change_pct: float | None
    significant: bool | None
    rag: str | None


def summary_sentences(lines: Iterable[LineFacts]) -> tuple[str, ...]:
    """The report summary: one sentence per statistically significant change (largest
    first), then how many indicators did not change significantly."""
    items = list(lines)
    significant = [x for x in items if x.significant]
    significant.sort(key=lambda x: -abs(x.change_pct or 0.0))
    sentences = [
        s
        for x in significant
        if (s := change_sentence(x.name, x.count, x.previous, x.change_pct, x.significant))
    ]
    tested = [x for x in items if x.significant is not None]
    steady = len(tested) - len(significant)
    if not significant:
        sentences.append(
            f"None of the {len(tested)} indicators tested changed significantly compared "
            "with the same period a year earlier."
            if tested
            else "No indicator could be compared with the same period a year earlier."
        )
    elif steady:
        indicators = "indicator" if steady == 1 else "indicators"
        sentences.append(
            f"The other {steady} {indicators} tested did not change significantly compared "
            "with the same period a year earlier."
        )
    return tuple(sentences)


def priority_ids(lines: Iterable[LineFacts], with_commentary: Iterable[str]) -> tuple[str, ...]:
    """The indicators that get a page of their own, in scorecard order: significant change,
    rated red, or commented on by an analyst."""
    commented = set(with_commentary)
    return tuple(
        x.indicator_id
        for x in lines
        if x.significant or x.rag == "red" or x.indicator_id in commented
    )


# --- what public commentary may not say --------------------------------------------------

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_SMALL_NUMBER = re.compile(rf"(?<![\w.,/-])(\d+)(?![\w.,/-]|\s+(?:{_MONTHS})\b)", re.IGNORECASE)


def small_numbers_in(text: str, threshold: int) -> tuple[int, ...]:
    """Whole numbers from 1 to threshold - 1 written in commentary (dates such as "1 April"
    excepted): a public report must not state a count below the threshold in words either."""
    found = []
    for match in _SMALL_NUMBER.finditer(text):
        value = int(match.group(1))
        if 0 < value < threshold:
            found.append(value)
    return tuple(found)


def commentary_problems(
    commentary: Mapping[str, str], names: Mapping[str, str], threshold: int
) -> tuple[str, ...]:
    """Why the commentary of a report cannot be published (empty when it can)."""
    problems = []
    for indicator_id, text in commentary.items():
        small = small_numbers_in(text, threshold)
        if small and indicator_id in names:
            listed = ", ".join(str(n) for n in sorted(set(small)))
            problems.append(
                f"The commentary on {names[indicator_id]} mentions {listed}: a published "
                f"report cannot state a number below {threshold}. Change the commentary first"
            )
    return tuple(problems)
