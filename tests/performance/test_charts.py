"""Charts: well-formed SVG, values and control limits where they belong, text alternatives."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from saferhub.performance import charts

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Series:
    months: tuple[str, ...]
    counts: tuple[int | None, ...]
    centre: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    outside: tuple[str, ...]


SERIES = Series(
    months=("2024-01", "2024-02", "2024-03", "2024-04", "2024-05"),
    counts=(100, 110, None, 180, 40),
    centre=(100.0,) * 5,
    lower=(70.0,) * 5,
    upper=(130.0,) * 5,
    outside=("2024-04", "2024-05"),
)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    labelled = (root.get("aria-labelledby") or "").split()
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert labelled and set(labelled) <= ids
    assert "style" not in svg  # the pages' CSP forbids inline styles
    return root


def y_of(root: ET.Element, month: str) -> float:
    for element in root.iter():
        if element.get("data-month") == month:
            if element.tag == f"{SVG}circle":
                return float(element.get("cy") or 0)
            d = element.get("d") or ""
            top = float(d.split()[0][1:].split(",")[1])
            return top + 8  # the diamond's centre
    raise AssertionError(month)


def test_series_chart_places_values_limits_and_marks_outside_months() -> None:
    root = parse(charts.series_chart(SERIES, title="Burglary"))
    # Higher counts are drawn higher (smaller y); the missing month has no point.
    assert (
        y_of(root, "2024-04")
        < y_of(root, "2024-02")
        < y_of(root, "2024-01")
        < y_of(root, "2024-05")
    )
    assert all(e.get("data-month") != "2024-03" for e in root.iter())
    outside = [e.get("data-month") for e in root.iter() if e.get("class") == "app-chart__outside"]
    assert outside == ["2024-04", "2024-05"]
    # Control limits: the upper line is above the centre line, which is above the lower one.
    lines = {
        (e.get("class") or "").split("__")[-1]: float(
            (e.get("points") or "").split()[0].split(",")[1]
        )
        for e in root.iter(f"{SVG}polyline")
        if (e.get("class") or "").split("__")[-1] in ("upper", "centre", "lower")
    }
    assert lines["upper"] < lines["centre"] < lines["lower"]
    # The centre line (100) and the first month (100) are at the same height.
    assert abs(lines["centre"] - y_of(root, "2024-01")) < 0.2
    # The count line breaks at the missing month: two segments.
    assert len([e for e in root.iter(f"{SVG}polyline") if e.get("class") == "app-chart__line"]) == 2


def test_series_text_alternatives() -> None:
    summary = charts.series_summary(SERIES, title="Burglary")
    assert summary.startswith("Burglary: monthly count from January 2024 to May 2024")
    assert "outside the control limits in April 2024, May 2024" in summary
    assert "1 month with no data" in summary
    root = parse(charts.series_chart(SERIES, title="Burglary"))
    assert root.find(f"{SVG}desc") is not None and root.find(f"{SVG}desc").text == summary  # type: ignore[union-attr]
    table = charts.series_table(SERIES, title="Burglary")
    assert table.head[:2] == ("Month", "Count")
    assert table.rows[2][1] == "No data"
    assert table.rows[3][-1] == "Above the upper limit"
    assert table.rows[4][-1] == "Below the lower limit"
    assert table.rows[0][-1] == "Within the limits"


def test_peer_chart_highlights_the_area_and_draws_the_mean() -> None:
    peers = [("Alpha", 10.0), ("Beta", 20.0), ("Gamma", None), ("Delta", 5.0)]
    root = parse(charts.peer_chart(peers, area="Alpha", mean=11.67, title="Burglary: peers"))
    bars = list(root.iter(f"{SVG}rect"))
    widths = [float(b.get("width") or 0) for b in bars]
    assert widths == sorted(widths, reverse=True)  # highest first
    highlighted = [b for b in bars if "highlight" in (b.get("class") or "")]
    assert len(highlighted) == 1 and highlighted[0].get("data-value") == "10.0"
    assert len(list(root.iter(f"{SVG}line"))) == 1  # the mean
    assert "No data" in ET.tostring(root, encoding="unicode")
    summary = charts.peer_summary(peers, area="Alpha", mean=11.67, unit="per 1,000")
    assert "highest Beta" in summary and "Alpha is 2 of 3" in summary and "average 11.7" in summary
    table = charts.peer_table(peers, area="Alpha", mean=11.67, unit="per 1,000")
    assert table.rows[0] == ("Beta", "20")
    assert ("Alpha (this area)", "10") in table.rows
    assert table.rows[-1][0].startswith("Peer average")


def test_sparkline_and_bar_chart_are_well_formed_with_unique_ids() -> None:
    one = charts.sparkline(SERIES.months, SERIES.counts, title="All crime", key="a-all")
    two = charts.sparkline(SERIES.months, SERIES.counts, title="All crime", key="b-all")
    ids = [e.get("id") for svg in (one, two) for e in parse(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert "lowest 40" in charts.sparkline_summary(SERIES.months, SERIES.counts, title="All")
    parse(charts.bar_chart([("North", 3.0), ("South", 7.0)], title="By district"))
    parse(charts.sparkline((), (), title="Empty"))
    assert charts.series_summary(Series((), (), (), (), (), ()), title="X").endswith(
        "no months with data."
    )
