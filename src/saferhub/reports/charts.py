"""The chart on a priority indicator's page: monthly counts with control limits, as SVG.

The performance pages' chart functions (``saferhub.performance.charts``) are used when they
can draw a report line's series; otherwise this module draws a plain, printable SVG line chart
itself. Either way the chart has a title and a text description, the page beside it has the
figures as a table, and only presentation attributes are used (no inline styles: the pages'
Content-Security-Policy forbids them).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from html import escape
from typing import Any

from saferhub.reports.content import ReportLine

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
RED = "#d4351c"
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


def _month_short(month: str) -> str:
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{names[int(month[5:7]) - 1]} {month[2:4]}"


def chart_description(line: ReportLine) -> str:
    """One sentence saying what the chart shows, for screen readers and the printed page."""
    series = line.series
    known = [c for c in series.counts if c is not None]
    if not series.months:
        return "No monthly figures."
    text = (
        f"Monthly count of {line.name.lower()} from {_month_short(series.months[0])} to "
        f"{_month_short(series.months[-1])}"
    )
    if known:
        text += f", between {min(known):,} and {max(known):,} a month"
    gaps = sum(1 for c in series.counts if c is None)
    if gaps:
        text += f"; {gaps} month{'s' if gaps > 1 else ''} missing or not published"
    if series.outside:
        listed = ", ".join(_month_short(m) for m in series.outside)
        text += f"; outside the control limits in {listed}"
    elif series.upper:
        text += "; every month within the control limits"
    return text + "."


def _performance_chart() -> Callable[..., str] | None:
    """The performance pages' series chart, if that module offers one we can call."""
    try:
        module = importlib.import_module("saferhub.performance.charts")
    except ImportError:
        return None
    for name in ("report_series_chart", "series_chart", "control_chart"):
        function = getattr(module, name, None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None


def series_chart(line: ReportLine) -> str:
    """The indicator's monthly chart as an SVG element (a string of markup)."""
    shared = _performance_chart()
    if shared is not None:
        try:
            parameters = inspect.signature(shared).parameters
            kwargs: dict[str, Any] = {}
            if "title" in parameters:
                kwargs["title"] = line.name
            svg = shared(line.series, **kwargs)
            if isinstance(svg, str) and svg.lstrip().startswith("<svg"):
                return svg
        except (TypeError, ValueError, AttributeError, KeyError):
            pass  # not a series this function draws: draw it here
    return _draw(line)


def _draw(line: ReportLine) -> str:
    series = line.series
    n = len(series.months)
    values = [c for c in series.counts if c is not None] + list(series.upper)
    top = max(values) if values else 1.0
    top = max(top * 1.1, 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    ident = f"chart-{escape(line.indicator_id)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-report-chart" viewBox="0 0 '
        f'{WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{ident}-title '
        f'{ident}-desc" font-family="Liberation Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{ident}-title">{escape(line.name)}: monthly count</title>',
        f'<desc id="{ident}-desc">{escape(chart_description(line))}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{BLACK}" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{BLACK}" '
        'stroke-width="1"/>',
    ]
    for k in range(5):
        value = top * k / 4
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"{round(value):,}</text>"
        )
    for i, month in enumerate(series.months):
        if i % 3 == (n - 1) % 3:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'fill="{BLACK}">{_month_short(month)}</text>'
            )
    for values_line, dash, label in (
        (series.upper, "6 4", "Upper control limit"),
        (series.centre, "2 3", "Average"),
        (series.lower, "6 4", "Lower control limit"),
    ):
        if len(values_line) == n and n:
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values_line))
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{GREY}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}"><title>{label}</title></polyline>'
            )
    run: list[str] = []
    runs: list[list[str]] = []
    for i, c in enumerate(series.counts):
        if c is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{x(i):.1f},{y(c):.1f}")
    if run:
        runs.append(run)
    for points_list in runs:
        parts.append(
            f'<polyline points="{" ".join(points_list)}" fill="none" stroke="{BLUE}" '
            'stroke-width="3"/>'
        )
    outside = set(series.outside)
    for i, (month, c) in enumerate(zip(series.months, series.counts, strict=True)):
        if c is None:
            continue
        colour = RED if month in outside else BLUE
        radius = 5 if month in outside else 3
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(c):.1f}" r="{radius}" fill="{colour}">'
            f"<title>{_month_short(month)}: {c:,}</title></circle>"
        )
    legend_y = HEIGHT - 8
    parts.append(
        f'<text x="{LEFT}" y="{legend_y}" fill="{BLACK}">Blue line: monthly count. Dashed: '
        "average and control limits. Red dots: months outside the limits.</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
