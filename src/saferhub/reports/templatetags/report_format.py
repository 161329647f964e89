"""Template filters that print a board report's figures the same way in every format."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from saferhub.reports import rules
from saferhub.reports.charts import chart_description, series_chart
from saferhub.reports.content import ReportLine

register = template.Library()

MONTH_NAMES = (
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
)
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}


@register.filter
def whole(value: int | float | None) -> str:
    """A count: ``7,055``, or a dash."""
    return rules.whole(value)


@register.filter
def one_decimal(value: float | None) -> str:
    """A rate: ``12.3``, or a dash."""
    return rules.one_decimal(value)


@register.filter
def signed_percent(value: float | None) -> str:
    """A percentage change: ``+16%``, or a dash."""
    return rules.signed_percent(value)


@register.filter
def significance(value: bool | None) -> str:
    """Whether a change is statistically significant, in words."""
    return rules.significance_words(value)


@register.filter
def rag_label(value: str | None) -> str:
    """The RAG rating in words, or "Not rated"."""
    return RAG_LABELS.get(value or "", "Not rated")


@register.filter
def chart(line: ReportLine) -> SafeString:
    """The indicator's monthly chart (SVG built from numbers and escaped text only)."""
    return mark_safe(series_chart(line))  # noqa: S308 - markup built by reports.charts, text escaped


@register.filter
def chart_text(line: ReportLine) -> str:
    """The chart's text summary."""
    return chart_description(line)


@register.filter
def month_label(month: str) -> str:
    """``2022-06`` as ``June 2022``."""
    names = MONTH_NAMES
    return f"{names[int(month[5:7]) - 1]} {month[:4]}"


@register.filter
def series_rows(line: ReportLine) -> list[tuple[str, int | None, bool]]:
    """(month, count, outside the limits) for the chart's table of figures."""
    outside = set(line.series.outside)
    return [
        (month, count, month in outside)
        for month, count in zip(line.series.months, line.series.counts, strict=True)
    ]
