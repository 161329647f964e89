"""The chart on a priority indicator's page: the performance pages' monthly chart with control
limits (``performance.charts.series_chart``), so the report and the pages draw the same SVG:
presentation attributes only (the pages' Content-Security-Policy forbids inline styles), a
title and a text description, and the figures as a table beside it."""

from __future__ import annotations

from saferhub.performance.charts import series_chart as performance_series_chart
from saferhub.performance.charts import series_summary
from saferhub.reports.content import ReportLine


def chart_description(line: ReportLine) -> str:
    """One sentence saying what the chart shows, for screen readers and the printed page."""
    text = series_summary(line.series, title=line.name)
    if not line.series.upper and any(c is not None for c in line.series.counts):
        text += " Control limits are not shown because some months are not published."
    return text


def series_chart(line: ReportLine) -> str:
    """The indicator's monthly chart as an SVG element (a string of markup)."""
    return performance_series_chart(line.series, title=line.name, key=f"report-{line.indicator_id}")
