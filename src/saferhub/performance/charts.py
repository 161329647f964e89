"""Accessible charts drawn on the server as SVG: pure functions from numbers to markup.

No Django and no JavaScript: each function takes plain numbers and labels and returns an SVG
string that can be put straight into a page or a PDF (WeasyPrint draws SVG). Every chart

* has ``role="img"`` with a ``<title>`` and a ``<desc>`` holding a one-sentence summary (the
  same sentence the ``*_summary`` function returns, for the text beside the chart);
* has a data table alternative (the ``*_table`` functions return caption, head and rows);
* uses GOV.UK colours and presentation attributes only (no ``style`` attributes, which the
  pages' Content-Security-Policy forbids), keeps meaning in text, shape and line pattern as
  well as colour, and is legible in black and white when printed.

Charts for the board report (``saferhub.reports``) call the same functions:

* :func:`series_chart` (monthly counts with SPC control limits) - pass an analytics
  ``MonthlySeries`` or anything with ``months``, ``counts``, ``centre``, ``lower``,
  ``upper`` and ``outside``;
* :func:`peer_chart` (horizontal bars: each peer's rate, the area highlighted, the mean);
* :func:`bar_chart` (horizontal bars, e.g. counts by district or ward);
* :func:`sparkline` (a small trend line for a dashboard cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

__all__ = [
    "BLACK",
    "BLUE",
    "DARK_GREY",
    "GREEN",
    "MID_GREY",
    "RED",
    "ChartTable",
    "SeriesLike",
    "bar_chart",
    "bar_summary",
    "month_short",
    "peer_chart",
    "peer_summary",
    "peer_table",
    "series_chart",
    "series_summary",
    "series_table",
    "sparkline",
    "sparkline_summary",
]

# GOV.UK Design System colours.
BLACK = "#0b0c0c"
BLUE = "#1d70b8"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
RED = "#d4351c"
GREEN = "#00703c"
ORANGE = "#f47738"

FONT = 'font-family="GDS Transport, Arial, Liberation Sans, sans-serif"'
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTHS_LONG = [
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


class SeriesLike(Protocol):
    """A monthly series with control limits (analytics ``MonthlySeries`` fits)."""

    @property
    def months(self) -> Sequence[str]: ...
    @property
    def counts(self) -> Sequence[int | None]: ...
    @property
    def centre(self) -> Sequence[float]: ...
    @property
    def lower(self) -> Sequence[float]: ...
    @property
    def upper(self) -> Sequence[float]: ...
    @property
    def outside(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class ChartTable:
    """The figures behind a chart, as a table: caption, column headings and rows of text."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    """Per column: right-align (a number)."""


def month_short(month: str) -> str:
    """``2022-04`` -> ``Apr 22`` (axis labels)."""
    return f"{_MONTHS[int(month[5:7]) - 1]} {month[2:4]}"


def month_long(month: str) -> str:
    """``2022-04`` -> ``April 2022`` (sentences and tables)."""
    return f"{_MONTHS_LONG[int(month[5:7]) - 1]} {month[:4]}"


def _n(value: float) -> str:
    """A figure for axes and tables: whole numbers with commas, else one decimal place."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


def _ident(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "chart"


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _open(width: int, height: int, ident: str, title: str, summary: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart {css}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" {FONT} font-size="13">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]


# ------------------------------------------------------------------------------------------
# Monthly series with control limits


def series_summary(series: SeriesLike, *, title: str = "") -> str:
    """One sentence: the span, the latest month, and which months fall outside the limits."""
    known = [(m, c) for m, c in zip(series.months, series.counts, strict=False) if c is not None]
    subject = f"{title}: monthly count" if title else "Monthly count"
    if not known:
        return f"{subject}: no months with data."
    first, last = known[0], known[-1]
    text = (
        f"{subject} from {month_long(first[0])} to {month_long(last[0])}, "
        f"{_n(last[1])} in the latest month"
    )
    missing = len(series.months) - len(known)
    if missing:
        text += f", {missing} month{'s' if missing != 1 else ''} with no data"
    if series.outside:
        months = ", ".join(month_long(m) for m in series.outside)
        text += f"; outside the control limits in {months}"
    elif series.upper:
        text += "; every month within the control limits"
    return text + "."


def series_table(series: SeriesLike, *, title: str = "") -> ChartTable:
    """Month, count, control limits and whether the month is outside them."""
    outside = set(series.outside)
    rows = []
    for i, month in enumerate(series.months):
        count = series.counts[i]
        lower = series.lower[i] if i < len(series.lower) else None
        upper = series.upper[i] if i < len(series.upper) else None
        if count is None:
            status = "No data"
        elif month in outside:
            status = (
                "Above the upper limit"
                if upper is not None and count > upper
                else ("Below the lower limit")
            )
        else:
            status = "Within the limits"
        rows.append(
            (
                month_long(month),
                "No data" if count is None else _n(count),
                "" if lower is None else _n(round(lower, 1)),
                "" if upper is None else _n(round(upper, 1)),
                status,
            )
        )
    caption = f"{title}: monthly figures and control limits" if title else "Monthly figures"
    return ChartTable(
        caption,
        ("Month", "Count", "Lower control limit", "Upper control limit", "Status"),
        tuple(rows),
        (False, True, True, True, False),
    )


def series_chart(
    series: SeriesLike,
    *,
    title: str = "Monthly count",
    width: int = 640,
    height: int = 280,
    key: str = "",
) -> str:
    """Monthly counts as a line with the SPC centre line (solid grey) and control limits
    (dashed red); a month outside the limits is drawn as a large red diamond with a label,
    months with data as small blue circles, and missing months leave a gap in the line."""
    left, right, top, bottom = 60, 16, 18, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(series.months)
    values = [float(c) for c in series.counts if c is not None]
    values += [float(v) for v in series.upper] + [float(v) for v in series.centre]
    y_top = _nice_top(max(values) * 1.05 if values else 1.0)
    summary = series_summary(series, title=title)
    ident = f"series-{_ident(key or title)}"

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * max(v, 0.0) / y_top

    out = _open(width, height, ident, title, summary, "app-chart--series")
    # Grid and y axis labels.
    for k in range(5):
        value = y_top * k / 4
        out.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" '
            f'stroke="{MID_GREY}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"{_n(value)}</text>"
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{BLACK}" stroke-width="1"/>'
    )
    # Month labels: every third month, and always the last.
    for i, month in enumerate(series.months):
        if (n - 1 - i) % 3 == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                f'fill="{BLACK}" font-size="12">{month_short(month)}</text>'
            )
    # Control limits and centre line (step lines: limits may change between years).
    for name, limit, colour, dash in (
        ("upper", series.upper, RED, ' stroke-dasharray="6 4"'),
        ("lower", series.lower, RED, ' stroke-dasharray="6 4"'),
        ("centre", series.centre, DARK_GREY, ""),
    ):
        if len(limit) != n or n == 0:
            continue
        points = " ".join(
            f"{x(i) - plot_w / n / 2:.1f},{y(v):.1f} {x(i) + plot_w / n / 2:.1f},{y(v):.1f}"
            for i, v in enumerate(limit)
        )
        out.append(
            f'<polyline class="app-chart__{name}" points="{points}" fill="none" '
            f'stroke="{colour}" stroke-width="1.5"{dash}/>'
        )
    # The counts: a line broken at missing months.
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, count in enumerate(series.counts):
        if count is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(count):.1f}")
    if segment:
        segments.append(segment)
    for points_list in segments:
        out.append(
            f'<polyline class="app-chart__line" points="{" ".join(points_list)}" fill="none" '
            f'stroke="{BLUE}" stroke-width="2.5"/>'
        )
    outside = set(series.outside)
    for i, (month, count) in enumerate(zip(series.months, series.counts, strict=False)):
        if count is None:
            continue
        cx, cy = x(i), y(count)
        label = f"{month_long(month)}: {_n(count)}"
        if month in outside:
            out.append(
                f'<path class="app-chart__outside" data-month="{month}" data-value="{count}" '
                f'd="M{cx:.1f},{cy - 8:.1f} L{cx + 8:.1f},{cy:.1f} L{cx:.1f},{cy + 8:.1f} '
                f'L{cx - 8:.1f},{cy:.1f} Z" fill="{RED}" stroke="{BLACK}" stroke-width="1">'
                f"<title>{escape(label)}, outside the control limits</title></path>"
            )
        else:
            out.append(
                f'<circle class="app-chart__point" data-month="{month}" data-value="{count}" '
                f'cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{BLUE}">'
                f"<title>{escape(label)}</title></circle>"
            )
    # Legend (shape and pattern as well as colour).
    ly = height - 16
    out += [
        f'<line x1="{left}" y1="{ly - 4}" x2="{left + 24}" y2="{ly - 4}" stroke="{BLUE}" '
        'stroke-width="2.5"/>',
        f'<text x="{left + 30}" y="{ly}" fill="{BLACK}" font-size="12">Count</text>',
        f'<line x1="{left + 80}" y1="{ly - 4}" x2="{left + 104}" y2="{ly - 4}" '
        f'stroke="{DARK_GREY}" stroke-width="1.5"/>',
        f'<text x="{left + 110}" y="{ly}" fill="{BLACK}" font-size="12">Average</text>',
        f'<line x1="{left + 170}" y1="{ly - 4}" x2="{left + 194}" y2="{ly - 4}" stroke="{RED}" '
        'stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{left + 200}" y="{ly}" fill="{BLACK}" font-size="12">Control limits</text>',
        f'<path d="M{left + 306},{ly - 10} L{left + 312},{ly - 4} L{left + 306},{ly + 2} '
        f'L{left + 300},{ly - 4} Z" fill="{RED}" stroke="{BLACK}" stroke-width="1"/>',
        f'<text x="{left + 318}" y="{ly}" fill="{BLACK}" font-size="12">Outside the limits</text>',
        "</svg>",
    ]
    return "".join(out)


# ------------------------------------------------------------------------------------------
# Horizontal bars: peers, districts, wards


def bar_summary(
    items: Sequence[tuple[str, float | None]], *, title: str, unit: str = "", highlight: str = ""
) -> str:
    """One sentence: the highest and lowest bars (and where the highlighted one stands)."""
    known = [(label, v) for label, v in items if v is not None]
    if not known:
        return f"{title}: no figures."
    ranked = sorted(known, key=lambda item: item[1], reverse=True)
    suffix = f" {unit}" if unit else ""
    text = f"{title}: highest {ranked[0][0]} ({_n(ranked[0][1])}{suffix})"
    if len(ranked) > 1:
        text += f", lowest {ranked[-1][0]} ({_n(ranked[-1][1])}{suffix})"
    if highlight:
        for position, (label, value) in enumerate(ranked, start=1):
            if label == highlight:
                text += f"; {label} is {position} of {len(ranked)} ({_n(value)}{suffix})"
    return text + "."


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    highlight: str = "",
    reference: tuple[str, float] | None = None,
    width: int = 640,
    key: str = "",
) -> str:
    """Horizontal bars, one per labelled value (None is drawn as "no data"). The
    ``highlight``ed bar is dark blue with a bold label; ``reference`` (label, value) draws
    a dashed vertical line, e.g. the peer group average."""
    label_w, right, top, row_h = 230, 70, 8, 26
    height = top + row_h * max(len(items), 1) + (34 if reference else 14)
    plot_w = width - label_w - right
    values = [v for _, v in items if v is not None]
    if reference:
        values.append(reference[1])
    x_top = _nice_top(max(values) * 1.02) if values else 1.0
    summary = bar_summary(items, title=title, unit=unit, highlight=highlight)
    ident = f"bars-{_ident(key or title)}"
    out = _open(width, height, ident, title, summary, "app-chart--bars")
    for i, (label, value) in enumerate(items):
        y0 = top + i * row_h
        weight = ' font-weight="bold"' if label == highlight else ""
        short = label if len(label) <= 32 else label[:31] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + 17}" text-anchor="end" fill="{BLACK}"{weight}>'
            f"{escape(short)}</text>"
        )
        if value is None:
            out.append(f'<text x="{label_w + 4}" y="{y0 + 17}" fill="{DARK_GREY}">No data</text>')
            continue
        bar_w = plot_w * value / x_top
        colour = "#003078" if label == highlight else BLUE
        css = "app-chart__bar app-chart__bar--highlight" if label == highlight else "app-chart__bar"
        out.append(
            f'<rect class="{css}" data-value="{value}" x="{label_w}" y="{y0 + 4}" '
            f'width="{bar_w:.1f}" height="{row_h - 8}" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{label_w + bar_w + 4:.1f}" y="{y0 + 17}" fill="{BLACK}"{weight}>'
            f"{_n(value)}</text>"
        )
    if reference:
        rx = label_w + plot_w * reference[1] / x_top
        bottom = top + row_h * max(len(items), 1)
        out.append(
            f'<line class="app-chart__reference" x1="{rx:.1f}" y1="{top}" x2="{rx:.1f}" '
            f'y2="{bottom}" stroke="{BLACK}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{rx:.1f}" y="{bottom + 18}" text-anchor="middle" fill="{BLACK}" '
            f'font-size="12">{escape(reference[0])}: {_n(reference[1])}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def peer_summary(
    peers: Sequence[tuple[str, float | None]], *, area: str, mean: float | None, unit: str
) -> str:
    """One sentence: the area's position in its peer group and the group average."""
    text = bar_summary(peers, title="Peer comparison", unit=unit, highlight=area)
    if mean is not None:
        text = text[:-1] + f"; peer average {_n(round(mean, 2))}."
    return text


def peer_table(
    peers: Sequence[tuple[str, float | None]], *, area: str, mean: float | None, unit: str
) -> ChartTable:
    """Each peer's figure, highest first, with the area marked and the average last."""
    ranked = sorted(peers, key=lambda item: 1e18 if item[1] is None else -item[1])
    rows = [
        (
            f"{label} (this area)" if label == area else label,
            "No data" if value is None else _n(round(value, 2)),
        )
        for label, value in ranked
    ]
    if mean is not None:
        rows.append(("Peer average (unweighted mean)", _n(round(mean, 2))))
    return ChartTable(
        "Peer comparison", ("Area", unit.capitalize() or "Figure"), tuple(rows), (False, True)
    )


def peer_chart(
    peers: Sequence[tuple[str, float | None]],
    *,
    area: str,
    mean: float | None,
    unit: str = "per 1,000 residents",
    title: str = "Peer comparison",
    key: str = "",
) -> str:
    """Each peer's figure as a bar (highest first), the area highlighted and the peer
    average as a dashed line."""
    ranked = sorted(peers, key=lambda item: 1e18 if item[1] is None else -item[1])
    reference = ("Peer average", round(mean, 2)) if mean is not None else None
    return bar_chart(
        [(label, None if v is None else round(v, 2)) for label, v in ranked],
        title=title,
        unit=unit,
        highlight=area,
        reference=reference,
        key=key,
    )


# ------------------------------------------------------------------------------------------
# Sparkline


def sparkline_summary(months: Sequence[str], counts: Sequence[int | None], *, title: str) -> str:
    """One sentence for a sparkline: first and last months with data and their counts."""
    known = [(m, c) for m, c in zip(months, counts, strict=False) if c is not None]
    if not known:
        return f"{title}: no monthly figures."
    (m0, c0), (m1, c1) = known[0], known[-1]
    return (
        f"{title}, monthly: {_n(c0)} in {month_long(m0)}, {_n(c1)} in {month_long(m1)}; "
        f"lowest {_n(min(c for _, c in known))}, highest {_n(max(c for _, c in known))}."
    )


def sparkline(
    months: Sequence[str],
    counts: Sequence[int | None],
    *,
    title: str,
    outside: Sequence[str] = (),
    width: int = 120,
    height: int = 32,
    key: str = "",
) -> str:
    """A small trend line (no axes) for a table cell; the last month is a dot, months
    outside the control limits are small red squares. Its text alternative is in
    ``<title>``/``<desc>``; the page shows the figures in full elsewhere."""
    pad = 3
    n = len(counts)
    known = [c for c in counts if c is not None]
    top = max(known) if known else 1
    bottom = min(known) if known else 0
    span = (top - bottom) or 1
    summary = sparkline_summary(months, counts, title=title)
    ident = f"spark-{_ident(key or title)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--sparkline" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">',
        f'<title id="{ident}-title">{escape(title)}: trend</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (v - bottom) / span)

    segment: list[str] = []
    segments: list[list[str]] = []
    for i, count in enumerate(counts):
        if count is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(count):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        out.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{BLUE}" '
            'stroke-width="1.5"/>'
        )
    flagged = set(outside)
    for i, (month, count) in enumerate(zip(months, counts, strict=False)):
        if count is not None and month in flagged:
            out.append(
                f'<rect x="{x(i) - 2:.1f}" y="{y(count) - 2:.1f}" width="4" height="4" '
                f'fill="{RED}"/>'
            )
    last = next(((i, c) for i, c in reversed(list(enumerate(counts))) if c is not None), None)
    if last is not None:
        out.append(f'<circle cx="{x(last[0]):.1f}" cy="{y(last[1]):.1f}" r="2.5" fill="{BLACK}"/>')
    out.append("</svg>")
    return "".join(out)
