"""Reads for the performance pages: stored scorecard runs turned into what a page shows.

Pages read stored runs (``services.scorecard_run_for``); the warehouse is opened read-only
only for what a run does not hold: ward figures for an indicator page and the data status
page. No personal data is read here (the warehouse holds published open data and partner
counts), so these reads are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from saferhub.analytics.indicators import Indicator, IndicatorSet
from saferhub.analytics.periods import resolve_period
from saferhub.organisations.access import AnyUser
from saferhub.organisations.models import Partnership
from saferhub.performance import charts, rules
from saferhub.performance.access import indicators_visible_to, require_restricted_viewer_for
from saferhub.performance.models import ScorecardRun
from saferhub.performance.services import indicator_set, scorecard_run_for
from saferhub.performance.warehouse import read_only, state

AREA_TYPE_LABELS = {
    "csp": "Community safety partnership",
    "district": "District",
    "county": "County",
    "force": "Police force area",
}


# ------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True, slots=True)
class PeriodOptions:
    """The periods a user may choose and the one chosen (None when no data are loaded)."""

    choices: list[rules.PeriodChoice]
    chosen: rules.PeriodChoice | None


def period_options(value: str | None) -> PeriodOptions:
    """The period chooser for what the warehouse holds; ``value`` as sent by the form (an
    unknown or missing value gives the default: the latest complete quarter)."""
    current = state()
    choices = rules.period_choices(current.last_month, current.first_month)
    chosen = next((c for c in choices if c.value == value), None)
    return PeriodOptions(choices, chosen or rules.default_period(choices))


# ------------------------------------------------------------------------------------------
# Scorecard rows


@dataclass(frozen=True, slots=True)
class Row:
    """One indicator for one area, as the dashboard shows it."""

    indicator_id: str
    name: str
    area_code: str
    area_name: str
    count: str
    rate: str
    has_data: bool
    complete: bool
    change: str
    significance: str
    rag: rules.RagTag
    peer: str
    sparkline: SafeString
    restricted: bool
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AreaBlock:
    """One area of a run with its indicator rows."""

    code: str
    name: str
    type_label: str
    is_main: bool
    rows: list[Row]
    missing: list[str]
    """When no indicator has any figure: what is missing (from the notes), else empty."""


def _row(result: dict[str, Any], indicator: Indicator) -> Row:
    series = result["series"]
    has_data = result["count"] is not None
    return Row(
        indicator_id=indicator.id,
        name=indicator.name,
        area_code=result["area_code"],
        area_name=result["area_name"],
        count=rules.figure(result["count"]) if has_data else "No data",
        rate=(
            rules.figure(result["rate_per_1000"], 2)
            if indicator.has_rate and result["rate_per_1000"] is not None
            else ("Not a rate" if not indicator.has_rate else "No data")
        ),
        has_data=has_data,
        complete=bool(result["complete"]),
        change=rules.change_text(result),
        significance=rules.significance_text(result),
        rag=rules.rag_tag(result["rag"]),
        peer=rules.peer_text(result),
        sparkline=mark_safe(  # noqa: S308 - markup built by charts.py, every text escaped
            charts.sparkline(
                series["months"],
                series["counts"],
                title=f"{indicator.name}, {result['area_name']}",
                outside=series["outside"],
                key=f"{result['area_code']}-{indicator.id}",
            )
        ),
        restricted=indicator.restricted,
        notes=tuple(result["notes"]),
    )


def _missing(results: list[dict[str, Any]]) -> list[str]:
    """What is missing when no indicator has a figure: the notes that say so."""
    if any(r["count"] is not None for r in results):
        return []
    notes = [n for r in results for n in r["notes"] if n.startswith("Incomplete")]
    return list(dict.fromkeys(notes)) or ["No data are loaded for this area and period."]


def _blocks(run: ScorecardRun, visible: IndicatorSet, codes: list[str]) -> list[AreaBlock]:
    by_id = {i.id: i for i in visible}
    blocks = []
    for position, code in enumerate(run.area_codes):
        if code not in codes:
            continue
        results = [r for r in run.results_for(code) if r["indicator_id"] in by_id]
        if not results:
            continue
        blocks.append(
            AreaBlock(
                code=code,
                name=results[0]["area_name"],
                type_label=AREA_TYPE_LABELS.get(results[0]["area_type"], "Area"),
                is_main=position == 0,
                rows=[_row(r, by_id[r["indicator_id"]]) for r in results],
                missing=_missing(results),
            )
        )
    return blocks


# ------------------------------------------------------------------------------------------
# Dashboard


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A partnership's dashboard for one period: its area and each sub-area, rendered."""

    partnership: Partnership
    run: ScorecardRun
    period: rules.PeriodChoice
    areas_html: SafeString
    restricted_hidden: bool


def dashboard(user: AnyUser, partnership: Partnership, period: rules.PeriodChoice) -> Dashboard:
    """Every indicator the user may see, for the partnership's area and its sub-areas.

    The area tables are rendered once per stored run and audience (with or without
    restricted indicators) and kept in the cache: a run never changes, so neither do they.
    """
    run = scorecard_run_for(
        partnership=partnership, period=period.period, period_type=period.period_type
    )
    indicators = indicator_set()
    visible = indicators_visible_to(user, indicators)
    hidden = len(visible) < len(indicators)
    key = f"performance:dashboard:{run.pk}:{int(hidden)}:{partnership.slug}:{period.value}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "performance/_dashboard_areas.html",
            {
                "areas": _blocks(run, visible, list(run.area_codes)),
                "run": run,
                "inputs_count": len(run.inputs),
                "partnership": partnership,
                "options": PeriodOptions([], period),
            },
        )
        cache.set(key, html, timeout=24 * 3600)
    return Dashboard(
        partnership=partnership,
        run=run,
        period=period,
        areas_html=mark_safe(html),  # noqa: S308 - our own rendered template
        restricted_hidden=hidden,
    )


def area_detail(
    user: AnyUser, partnership: Partnership, period: rules.PeriodChoice, area_code: str
) -> tuple[ScorecardRun, AreaBlock, dict[str, Any]] | None:
    """One area of the partnership's run (None if the run has no such area), with facts
    about it: its type, districts, police force area and population."""
    run = scorecard_run_for(
        partnership=partnership, period=period.period, period_type=period.period_type
    )
    if area_code not in run.area_codes:
        return None
    visible = indicators_visible_to(user, indicator_set())
    blocks = _blocks(run, visible, [area_code])
    if not blocks:
        return None
    results = run.results_for(area_code)
    first = results[0]
    facts = {
        "population": first["population"],
        "population_year": first["population_year"],
        "peer_names": [
            name
            for code, name, _ in run.peer_figures_for(first["indicator_id"], first["peer_codes"])
        ],
        "geography": _area_geography(area_code),
    }
    return run, blocks[0], facts


_geography_cache: dict[str, dict[str, Any]] = {}


def _area_geography(area_code: str) -> dict[str, Any]:
    """The area's districts and police force areas from the warehouse's lookups."""
    fingerprint = state().fingerprint
    cache_key = f"{fingerprint}:{area_code}"
    if cache_key in _geography_cache:
        return _geography_cache[cache_key]
    from saferhub.analytics.scorecard import load_geography

    with read_only() as con:
        geography = load_geography(con)
    area = geography.areas.get(area_code)
    facts: dict[str, Any] = {"districts": [], "forces": []}
    if area is not None:
        facts["districts"] = [
            geography.areas[d].name if d in geography.areas else d for d in area.districts
        ]
        facts["forces"] = [
            geography.areas[p].name if p in geography.areas else p for p in area.pfa_codes
        ]
    _geography_cache.clear() if len(_geography_cache) > 256 else None
    _geography_cache[cache_key] = facts
    return facts


# ------------------------------------------------------------------------------------------
# Indicator page


@dataclass(frozen=True, slots=True)
class WardFigure:
    """Count of an indicator in one ward (crimes with a location only)."""

    district: str
    ward: str
    count: int


@dataclass
class IndicatorPage:
    """Everything the indicator page shows for the partnership's own area."""

    partnership: Partnership
    run: ScorecardRun
    period: rules.PeriodChoice
    indicator: Indicator
    result: dict[str, Any]
    row: Row
    series_svg: SafeString
    series_summary: str
    series_table: charts.ChartTable
    peer_svg: SafeString | None
    peer_summary: str
    peer_table: charts.ChartTable | None
    sub_areas: list[Row]
    districts: list[tuple[str, int]] = field(default_factory=list)
    wards: list[WardFigure] = field(default_factory=list)
    ward_note: str = ""
    district_svg: SafeString | None = None
    district_summary: str = ""


def indicator_page(
    user: AnyUser, partnership: Partnership, period: rules.PeriodChoice, indicator_id: str
) -> IndicatorPage | None:
    """The indicator page's figures, or None for an indicator that does not exist; 404 for
    a restricted one the user may not see."""
    indicators = indicator_set()
    try:
        indicator = indicators.get(indicator_id)
    except KeyError:
        return None
    require_restricted_viewer_for(user, indicator.restricted)
    run = scorecard_run_for(
        partnership=partnership, period=period.period, period_type=period.period_type
    )
    main_code = run.area_codes[0]
    result = next(
        (r for r in run.results_for(main_code) if r["indicator_id"] == indicator.id), None
    )
    if result is None:
        return None
    series = _Series(result["series"])
    unit = "per 1,000 residents" if indicator.has_rate else "count"
    peers = [
        (name, None if figures is None else (figures[1] if indicator.has_rate else figures[0]))
        for _code, name, figures in run.peer_figures_for(indicator.id, result["peer_codes"])
    ]
    mean = result["peer_mean_rate"]
    page = IndicatorPage(
        partnership=partnership,
        run=run,
        period=period,
        indicator=indicator,
        result=result,
        row=_row(result, indicator),
        series_svg=mark_safe(  # noqa: S308 - markup built by charts.py, every text escaped
            charts.series_chart(series, title=f"{indicator.name}, {result['area_name']}")
        ),
        series_summary=charts.series_summary(
            series, title=f"{indicator.name}, {result['area_name']}"
        ),
        series_table=charts.series_table(series, title=indicator.name),
        peer_svg=None,
        peer_summary="",
        peer_table=None,
        sub_areas=[
            _row(r, indicator)
            for code in run.area_codes[1:]
            for r in run.results_for(code)
            if r["indicator_id"] == indicator.id
        ],
    )
    if len(peers) > 1:
        area_name = result["area_name"]
        page.peer_svg = mark_safe(  # noqa: S308 - markup built by charts.py
            charts.peer_chart(
                peers, area=area_name, mean=mean, unit=unit, title=f"{indicator.name}: peers"
            )
        )
        page.peer_summary = charts.peer_summary(peers, area=area_name, mean=mean, unit=unit)
        page.peer_table = charts.peer_table(peers, area=area_name, mean=mean, unit=unit)
    if indicator.source == "police.uk":
        districts, wards = ward_breakdown(main_code, indicator, period)
        page.districts, page.wards = districts, wards
        page.ward_note = (
            "Ward and district figures count crimes with a map location only (about 4% of "
            "police.uk records have none), so they may add up to less than the area's total."
        )
        if len(districts) > 1:
            page.district_svg = mark_safe(  # noqa: S308 - markup built by charts.py
                charts.bar_chart(
                    [(name, float(n)) for name, n in districts],
                    title=f"{indicator.name} by district",
                    key=f"districts-{indicator.id}",
                )
            )
            page.district_summary = charts.bar_summary(
                [(name, float(n)) for name, n in districts],
                title=f"{indicator.name} by district",
            )
    else:
        page.ward_note = (
            "Ward figures are shown for police.uk indicators only: partner data are mostly "
            "sent for whole districts or partnerships."
        )
    return page


@dataclass(frozen=True, slots=True)
class _Series:
    """A stored run's series (plain data) as the chart functions read it."""

    data: dict[str, Any]

    @property
    def months(self) -> list[str]:
        return list(self.data["months"])

    @property
    def counts(self) -> list[int | None]:
        return list(self.data["counts"])

    @property
    def centre(self) -> list[float]:
        return list(self.data["centre"])

    @property
    def lower(self) -> list[float]:
        return list(self.data["lower"])

    @property
    def upper(self) -> list[float]:
        return list(self.data["upper"])

    @property
    def outside(self) -> list[str]:
        return list(self.data["outside"])


_WARDS_SQL = """
WITH area_district AS (
    SELECT DISTINCT lad_code FROM geo_lad
    WHERE lad_code IN (SELECT unnest(?::VARCHAR[]))
),
lsoa_ward AS (
    SELECT lsoa_code, ward_code, ward_name, lad_code, lad_name
    FROM geo_lsoa
    WHERE version = (SELECT max(version) FROM geo_lsoa)
      AND lad_code IN (SELECT lad_code FROM area_district)
)
SELECT lsoa_ward.lad_name, coalesce(lsoa_ward.ward_name, lsoa_ward.ward_code, 'Unknown ward'),
       sum(crime_count.n)::BIGINT
FROM crime_count
JOIN lsoa_ward USING (lsoa_code)
WHERE crime_count.month BETWEEN ? AND ?
  AND crime_count.crime_type IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL
ORDER BY 1, 3 DESC, 2
"""

_ward_cache: dict[str, tuple[list[tuple[str, int]], list[WardFigure]]] = {}


def ward_breakdown(
    area_code: str, indicator: Indicator, period: rules.PeriodChoice
) -> tuple[list[tuple[str, int]], list[WardFigure]]:
    """Counts of a police.uk indicator by district and by ward of the area, for the period
    (from the warehouse: crime counts by LSOA, through the ONS LSOA -> ward lookup)."""
    current = state()
    key = f"{current.fingerprint}:{area_code}:{indicator.id}:{period.value}"
    if key in _ward_cache:
        return _ward_cache[key]
    resolved = resolve_period(period.period, period.period_type)
    districts_of = _area_districts(area_code)
    with read_only() as con:
        rows = con.execute(
            _WARDS_SQL,
            [districts_of, resolved.first, resolved.last, list(indicator.crime_types)],
        ).fetchall()
    wards = [WardFigure(str(d), str(w), int(n)) for d, w, n in rows]
    totals: dict[str, int] = {}
    for ward in wards:
        totals[ward.district] = totals.get(ward.district, 0) + ward.count
    result = (sorted(totals.items(), key=lambda item: -item[1]), wards)
    if len(_ward_cache) > 512:
        _ward_cache.clear()
    _ward_cache[key] = result
    return result


def _area_districts(area_code: str) -> list[str]:
    from saferhub.analytics.scorecard import load_geography

    with read_only() as con:
        area = load_geography(con).areas.get(area_code)
    return list(area.districts) if area else []


# ------------------------------------------------------------------------------------------
# Data status


@dataclass(frozen=True, slots=True)
class ForceStatus:
    """What is loaded for one police force: months, gaps and the file of each month."""

    force: str
    first: str
    last: str
    missing: list[str]
    files: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DataStatus:
    """What the warehouse holds, what is missing, and what was kept out."""

    forces: list[ForceStatus]
    partner: list[dict[str, Any]]
    other_files: list[dict[str, Any]]
    last_load: Any
    quarantine: list[dict[str, Any]]
    quarantine_total: int
    empty: bool


def _month_text(value: date) -> str:
    return charts.month_long(value.strftime("%Y-%m"))


def data_status(*, show_raw: bool) -> DataStatus:
    """Loaded police.uk files by force and month (with checksums), months missing between
    each force's first and last month, partner datasets, the last load and quarantined rows
    with their reasons (the rejected line's text only when ``show_raw``)."""
    with read_only() as con:
        files = con.execute(
            """
            SELECT force, month, name, sha256, rows_loaded, rows_quarantined, loaded_at
            FROM source_file
            WHERE dataset = 'street' AND replaced_by IS NULL
            ORDER BY force, month
            """
        ).fetchall()
        partner = con.execute(
            """
            SELECT dataset, min(month), max(month), count(DISTINCT month), sum(n)
            FROM partner_record GROUP BY dataset ORDER BY dataset
            """
        ).fetchall()
        other = con.execute(
            """
            SELECT dataset, name, sha256, rows_loaded, rows_quarantined, loaded_at
            FROM source_file
            WHERE dataset <> 'street' AND replaced_by IS NULL
            ORDER BY loaded_at DESC, file_id DESC
            LIMIT 200
            """
        ).fetchall()
        last = con.execute("SELECT max(loaded_at) FROM source_file").fetchone()
        quarantine = con.execute(
            """
            SELECT file_name, line, reason, raw FROM quarantine
            ORDER BY file_name, line LIMIT 200
            """
        ).fetchall()
        total_row = con.execute("SELECT count(*) FROM quarantine").fetchone()
    by_force: dict[str, list[tuple[Any, ...]]] = {}
    for row in files:
        by_force.setdefault(str(row[0]), []).append(row)
    forces = []
    for force, rows in by_force.items():
        months = [r[1] for r in rows]
        have = {(m.year, m.month) for m in months}
        missing = []
        y, m = months[0].year, months[0].month
        while (y, m) <= (months[-1].year, months[-1].month):
            if (y, m) not in have:
                missing.append(_month_text(date(y, m, 1)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        forces.append(
            ForceStatus(
                force=force,
                first=_month_text(months[0]),
                last=_month_text(months[-1]),
                missing=missing,
                files=[
                    {
                        "month": _month_text(r[1]),
                        "name": str(r[2]).rsplit("/", 1)[-1],
                        "sha256": r[3],
                        "rows_loaded": r[4],
                        "rows_quarantined": r[5],
                        "loaded_at": r[6],
                    }
                    for r in rows
                ],
            )
        )
    return DataStatus(
        forces=forces,
        partner=[
            {
                "dataset": d,
                "first": _month_text(a),
                "last": _month_text(b),
                "months": n,
                "records": total,
            }
            for d, a, b, n, total in partner
        ],
        other_files=[
            {
                "dataset": d,
                "name": str(name).rsplit("/", 1)[-1],
                "sha256": sha,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
                "loaded_at": at,
            }
            for d, name, sha, loaded, quarantined, at in other
        ],
        last_load=last[0] if last else None,
        quarantine=[
            {
                "file": str(name).rsplit("/", 1)[-1],
                "line": line,
                "reason": reason,
                "raw": raw if show_raw else None,
            }
            for name, line, reason, raw in quarantine
        ],
        quarantine_total=int(total_row[0]) if total_row else 0,
        empty=not files and not partner,
    )
