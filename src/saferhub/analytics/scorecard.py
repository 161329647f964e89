"""The performance scorecard: for an area and a period, every indicator with its context.

For each indicator the scorecard gives the count and rate per 1,000 residents, the same
period a year earlier, the change and whether it is statistically significant (exact test for
the ratio of two Poisson rates, allowing for the change in population), the monthly series with
SPC control limits, the area's position in its peer group and whether it differs significantly
from the group's average rate, a red/amber/green (RAG) status from the indicator's own rule,
and data-quality notes (missing months, partial months, the population year used).

How it is computed (fast enough for every CSP in England and Wales at once):

1. Areas are sets of districts (ONS lookup, latest version loaded): a CSP, a district, a
   county or a police force area.
2. One set-based DuckDB statement per indicator family counts every (area, indicator, month)
   at once: police.uk crime from ``crime_count``, partner data from ``partner_record``.
3. Periods, rates, tests, peer figures and control limits are then computed on those monthly
   counts with numpy for all areas, indicators and periods together.

A month for which a police force covering the area has no file loaded is *missing*: it is left
out (never counted as zero), the figure is marked incomplete and the notes say which months
are missing. Methods are explained for analysts in docs/analytics/methods.md.
"""

from __future__ import annotations

import difflib
import gc
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from saferhub.analytics import forces
from saferhub.analytics.disclosure import (
    DisclosureRule,
    SumConstraint,
    change_publishable,
    suppress,
)
from saferhub.analytics.indicators import Indicator, IndicatorSet
from saferhub.analytics.periods import (
    Period,
    month_index,
    month_label,
)
from saferhub.analytics.spc import control_limits
from saferhub.analytics.stats import DEFAULT_ALPHA, expected_count_tests, rate_ratio_tests

__all__ = [
    "SERIES_MONTHS",
    "Area",
    "AreaNotFoundError",
    "Geography",
    "IndicatorResult",
    "MonthlySeries",
    "NoDataError",
    "compute_scorecards",
    "load_geography",
    "publish",
    "scorecard",
]

SERIES_MONTHS = 24
"""Length of the monthly series shown with SPC limits: the 24 months ending with the period."""

PARTIAL_MONTH_SHARE = 0.5
"""A force's month is 'partial' when its file holds fewer than this share of the median of the
force's months within six months either side."""

FloatArray = npt.NDArray[np.float64]

AREA_TYPES = ("csp", "district", "county", "force")
_AREA_TYPE_NAMES = {
    "csp": "community safety partnership",
    "district": "district",
    "county": "county",
    "force": "police force area",
}


class AreaNotFoundError(LookupError):
    """No area has the code or name asked for; the message suggests close names."""


class NoDataError(LookupError):
    """There are no data for the area and period asked for; the message says which are missing."""


@dataclass(frozen=True, slots=True)
class Area:
    """An area a scorecard is made for: a set of districts (ONS lookup)."""

    code: str
    name: str
    type: str
    """``csp``, ``district``, ``county`` or ``force`` (police force area)."""
    districts: tuple[str, ...]
    pfa_codes: tuple[str, ...]
    csps_within: tuple[str, ...]
    """CSPs whose every district lies in this area (their CSP-level partner data count here)."""

    @property
    def label(self) -> str:
        """Name and code, e.g. ``Charnwood (E22000XXX)``."""
        return f"{self.name} ({self.code})"


@dataclass(frozen=True, slots=True)
class Geography:
    """Every area known to the warehouse's latest ONS lookup, by code."""

    areas: Mapping[str, Area]
    lsoa_version: int | None
    lad_version: int | None

    def resolve(self, text: str) -> Area:
        """The area with this code or name (case-insensitive).

        A code always wins; for a name shared by several kinds of area (a district and its
        CSP often share one), the CSP is chosen first, then the district, county and force
        area. Unknown names raise :class:`AreaNotFoundError` with close suggestions.
        """
        wanted = text.strip()
        if wanted.upper() in self.areas:
            return self.areas[wanted.upper()]
        by_name = [a for a in self.areas.values() if a.name.casefold() == wanted.casefold()]
        if by_name:
            return min(by_name, key=lambda a: AREA_TYPES.index(a.type))
        names = sorted({a.name for a in self.areas.values()})
        close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.6)
        if not close:
            folded = wanted.casefold()
            close = [n for n in names if folded in n.casefold()][:5]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        if not self.areas:
            hint = " The warehouse has no geography loaded: run `saferhub ingest geography`."
        raise AreaNotFoundError(f"No CSP, district, county or police force area {text!r}.{hint}")

    def default_peers(self, area: Area) -> tuple[Area, ...]:
        """The default peer group, including the area itself.

        A CSP: the CSPs of the same police force area; a district: the districts of the same
        police force area; a county: every county; a police force area: every police force area.
        """
        same_type = [a for a in self.areas.values() if a.type == area.type]
        if area.type in ("csp", "district"):
            same_type = [a for a in same_type if set(a.pfa_codes) & set(area.pfa_codes)]
        return tuple(sorted(same_type, key=lambda a: a.code))

    def of_type(self, area_type: str) -> tuple[Area, ...]:
        """Every area of one type (e.g. every CSP), sorted by code."""
        return tuple(
            sorted((a for a in self.areas.values() if a.type == area_type), key=lambda a: a.code)
        )


def load_geography(con: duckdb.DuckDBPyConnection) -> Geography:
    """The areas of the latest ONS lookups loaded in the warehouse (districts, CSPs, ...).

    District -> CSP -> police force area comes from the latest lookup holding CSPs, and
    district -> county from the latest lookup holding counties: ONS publishes them as
    separate files, often of different years (e.g. LAD19_CSP19_PFA19 with LAD20_CTY20), so
    taking only the newest year would lose the CSPs (and every unitary district, which has
    no county) whenever the county lookup is newer.
    """
    rows = con.execute(
        """
        WITH csp_lookup AS (
            SELECT max(version) AS version FROM geo_lad
            WHERE csp_code IS NOT NULL OR pfa_code IS NOT NULL
        ),
        county_lookup AS (
            SELECT max(version) AS version FROM geo_lad WHERE county_code IS NOT NULL
        ),
        district_csp AS (
            SELECT lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name, version
            FROM geo_lad WHERE version = (SELECT version FROM csp_lookup)
        ),
        district_county AS (
            SELECT lad_code, lad_name, county_code, county_name, version
            FROM geo_lad
            WHERE version = (SELECT version FROM county_lookup) AND county_code IS NOT NULL
        )
        SELECT lad_code,
               coalesce(district_csp.lad_name, district_county.lad_name),
               csp_code, csp_name, pfa_code, pfa_name, county_code, county_name,
               coalesce(district_csp.version, district_county.version)
        FROM district_csp FULL OUTER JOIN district_county USING (lad_code)
        ORDER BY lad_code
        """
    ).fetchall()
    lsoa_version = con.execute("SELECT max(version) FROM geo_lsoa").fetchone()
    members: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    names: dict[tuple[str, str], str] = {}
    csp_districts: dict[str, set[str]] = {}
    lad_version: int | None = None
    for lad, lad_name, csp, csp_name, pfa, pfa_name, county, county_name, version in rows:
        lad_version = version
        for kind, code, name in (
            ("district", lad, lad_name),
            ("csp", csp, csp_name),
            ("county", county, county_name),
            ("force", pfa, pfa_name),
        ):
            if code:
                members.setdefault((kind, code), []).append((lad, pfa))
                names[(kind, code)] = name or code
        if csp:
            csp_districts.setdefault(csp, set()).add(lad)
    areas: dict[str, Area] = {}
    for (kind, code), lads in members.items():
        districts = tuple(sorted({lad for lad, _ in lads}))
        within = tuple(sorted(c for c, ds in csp_districts.items() if ds and ds <= set(districts)))
        pfas = tuple(sorted({pfa for _, pfa in lads if pfa}))
        if code not in areas or AREA_TYPES.index(kind) < AREA_TYPES.index(areas[code].type):
            areas[code] = Area(code, names[(kind, code)], kind, districts, pfas, within)
    return Geography(areas, lsoa_version[0] if lsoa_version else None, lad_version)


@dataclass(frozen=True, slots=True)
class MonthlySeries:
    """The monthly counts of the 24 months ending with the period, with SPC limits.

    ``counts[i] is None`` for a missing month (never zero); ``outside`` lists the months (as
    ``YYYY-MM``) above the upper or below the lower control limit.
    """

    months: tuple[str, ...]
    counts: tuple[int | None, ...]
    centre: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    outside: tuple[str, ...]
    chart: str
    """``'c'`` (counts) or ``'u'`` (counts with the population changing between years)."""


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator for one area and period, with everything a scorecard line shows."""

    indicator_id: str
    indicator_name: str
    definition: str
    area_code: str
    area_name: str
    area_type: str
    period: str
    period_first: str
    period_last: str
    count: int | None
    """Sum over the months with data; None when no month of the period has data."""
    rate_per_1000: float | None
    """Count per ``per`` residents (per 1,000 by default); None without a denominator."""
    population: int | None
    population_year: int | None
    complete: bool
    """False when some month of the period has no data (the count is then a part count)."""
    previous_period: str
    previous_count: int | None
    previous_rate_per_1000: float | None
    previous_complete: bool
    change: int | None
    change_pct: float | None
    rate_ratio: float | None
    p_value: float | None
    significant: bool | None
    ratio_ci_low: float | None
    ratio_ci_high: float | None
    peer_rank: int | None
    """Position in the peer group, 1 = the highest rate (or count without a denominator)."""
    peer_size: int | None
    """Members of the peer group with a figure (including this area)."""
    peer_mean_rate: float | None
    """Unweighted mean of the group members' rates (counts without a denominator)."""
    peer_p_value: float | None
    peer_comparison: str | None
    """``'above'``, ``'below'`` (significantly) or ``'similar'`` to the peer mean."""
    peer_codes: tuple[str, ...]
    rag: str | None
    """``'red'``, ``'amber'``, ``'green'``, or None when not rated (see notes)."""
    polarity: str
    series: MonthlySeries
    notes: tuple[str, ...]
    definition_version: str
    alpha: float
    suppressed: tuple[str, ...] = ()
    """Fields hidden by disclosure control (published output only)."""


# --------------------------------------------------------------------------------------------
# SQL: one statement per indicator family, set-based, parameters bound.

_CRIME_COUNTS_SQL = """
WITH lsoa_district AS (
    SELECT lsoa_code, lad_code
    FROM geo_lsoa
    WHERE version = (SELECT max(version) FROM geo_lsoa)
),
indicator_crime_type AS (
    SELECT unnest(?::INTEGER[]) AS indicator_key, unnest(?::VARCHAR[]) AS crime_type
),
area_district AS (
    SELECT unnest(?::INTEGER[]) AS area_key, unnest(?::VARCHAR[]) AS lad_code
),
district_month_crime AS (
    SELECT lsoa_district.lad_code, crime_count.month, crime_count.crime_type,
           sum(crime_count.n) AS crimes
    FROM crime_count
    JOIN lsoa_district USING (lsoa_code)
    WHERE crime_count.month BETWEEN ? AND ?
      AND crime_count.crime_type IN (SELECT crime_type FROM indicator_crime_type)
    GROUP BY ALL
)
SELECT area_district.area_key,
       indicator_crime_type.indicator_key,
       (year(district_month_crime.month) * 12 + month(district_month_crime.month) - 1)::INTEGER
           AS month_number,
       sum(district_month_crime.crimes)::DOUBLE AS crimes
FROM district_month_crime
JOIN indicator_crime_type USING (crime_type)
JOIN area_district USING (lad_code)
GROUP BY ALL
"""

_FORCE_MONTHS_SQL = """
SELECT force,
       (year(month) * 12 + month(month) - 1)::INTEGER AS month_number,
       sum(n)::DOUBLE AS crimes
FROM crime_count
WHERE month BETWEEN ? AND ?
GROUP BY ALL
"""

_PARTNER_COUNTS_SQL = """
WITH lsoa_district AS (
    SELECT lsoa_code, lad_code
    FROM geo_lsoa
    WHERE version = (SELECT max(version) FROM geo_lsoa)
),
indicator_rule AS (
    SELECT unnest(?::INTEGER[]) AS indicator_key,
           unnest(?::VARCHAR[]) AS dataset,
           unnest(?::VARCHAR[][]) AS categories,
           unnest(?::VARCHAR[][]) AS markers
),
area_unit AS (
    SELECT unnest(?::INTEGER[]) AS area_key, unnest(?::VARCHAR[]) AS unit_code
),
partner_unit_month AS (
    SELECT CASE partner_record.area_level
               WHEN 'lsoa' THEN lsoa_district.lad_code
               ELSE partner_record.area_code
           END AS unit_code,
           partner_record.month, partner_record.dataset, partner_record.category,
           partner_record.markers, partner_record.n
    FROM partner_record
    LEFT JOIN lsoa_district
        ON partner_record.area_level = 'lsoa' AND lsoa_district.lsoa_code = partner_record.area_code
    WHERE partner_record.month BETWEEN ? AND ?
)
SELECT area_unit.area_key,
       indicator_rule.indicator_key,
       (year(partner_unit_month.month) * 12 + month(partner_unit_month.month) - 1)::INTEGER
           AS month_number,
       sum(partner_unit_month.n)::DOUBLE AS records
FROM partner_unit_month
JOIN indicator_rule
    ON partner_unit_month.dataset = indicator_rule.dataset
   AND (len(indicator_rule.categories) = 0
        OR list_contains(indicator_rule.categories, partner_unit_month.category))
   AND (len(indicator_rule.markers) = 0
        OR list_has_any(indicator_rule.markers, coalesce(partner_unit_month.markers, [])))
JOIN area_unit USING (unit_code)
GROUP BY ALL
"""

_PARTNER_MONTHS_SQL = """
SELECT dataset,
       (year(min(month)) * 12 + month(min(month)) - 1)::INTEGER AS first_month_number,
       (year(max(month)) * 12 + month(max(month)) - 1)::INTEGER AS last_month_number
FROM partner_record
GROUP BY dataset
"""


# --------------------------------------------------------------------------------------------


def _force_slugs(area: Area) -> tuple[str, ...]:
    """The police.uk forces whose files cover the area (from its police force areas)."""
    slugs = []
    for pfa in area.pfa_codes:
        try:
            slugs.append(forces.slug_for_pfa_code(pfa))
        except KeyError:
            continue
    return tuple(slugs)


def _month_date(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def _fmt_months(numbers: Iterable[int]) -> str:
    return ", ".join(month_label(_month_date(n)) for n in numbers)


@dataclass(frozen=True, slots=True)
class _Coverage:
    """Which months have data, per area (police.uk) and per partner dataset."""

    police_missing: npt.NDArray[np.bool_]  # [area, month]
    police_notes: dict[tuple[int, int], str]  # (area, month) -> why missing/partial
    partial: npt.NDArray[np.bool_]  # [area, month]
    partner_missing: npt.NDArray[np.bool_]  # [dataset, month]
    datasets: tuple[str, ...]
    force_names: tuple[tuple[str, ...], ...]  # per area


def _coverage(
    con: duckdb.DuckDBPyConnection,
    areas: Sequence[Area],
    first: int,
    n_months: int,
    datasets: Sequence[str],
) -> _Coverage:
    bounds = [_month_date(first), _month_date(first + n_months - 1)]
    force_rows = con.execute(_FORCE_MONTHS_SQL, bounds).fetchall()
    all_forces = sorted({r[0] for r in force_rows})
    force_pos = {f: i for i, f in enumerate(all_forces)}
    totals = np.zeros((len(all_forces), n_months))
    for force, number, crimes in force_rows:
        totals[force_pos[force], number - first] = crimes
    present = totals > 0
    # Partial month: well below the median of the force's months within six months either side.
    partial_force = np.zeros_like(present)
    for f in range(len(all_forces)):
        for m in (int(i) for i in np.flatnonzero(present[f])):
            lo, hi = max(0, m - 6), min(n_months, m + 7)
            window = totals[f, lo:hi][present[f, lo:hi]]
            if len(window) >= 3 and totals[f, m] < PARTIAL_MONTH_SHARE * float(np.median(window)):
                partial_force[f, m] = True
    missing = np.zeros((len(areas), n_months), dtype=bool)
    partial = np.zeros((len(areas), n_months), dtype=bool)
    any_present = present.any(axis=0) if len(all_forces) else np.zeros(n_months, dtype=bool)
    force_names = []
    for a, area in enumerate(areas):
        slugs = list(_force_slugs(area))
        force_names.append(tuple(slugs))
        if not slugs:
            missing[a] = ~any_present
            continue
        for slug in slugs:
            if slug in force_pos:
                missing[a] |= ~present[force_pos[slug]]
                partial[a] |= partial_force[force_pos[slug]]
            else:
                missing[a] = True
    partner_missing = np.ones((len(datasets), n_months), dtype=bool)
    if datasets:
        dataset_pos = {d: i for i, d in enumerate(datasets)}
        # A partner dataset covers every month from its first to its last month loaded: a month
        # inside that span with no record is a real zero; outside it, missing.
        for dataset, start, end in con.execute(_PARTNER_MONTHS_SQL).fetchall():
            if dataset in dataset_pos:
                lo, hi = max(start - first, 0), min(end - first + 1, n_months)
                if lo < hi:
                    partner_missing[dataset_pos[dataset], lo:hi] = False
    return _Coverage(missing, {}, partial, partner_missing, tuple(datasets), tuple(force_names))


def _population(
    con: duckdb.DuckDBPyConnection, areas: Sequence[Area], years: Sequence[int]
) -> tuple[FloatArray, npt.NDArray[np.int64], list[list[str]]]:
    """Population of each area for each year: (population [area, year], year used, problems).

    A district without an estimate for the year uses its latest earlier estimate; the year
    used is the oldest estimate year any district needed. NaN when a district has none at all.
    """
    districts = sorted({d for a in areas for d in a.districts})
    rows = con.execute(
        """
        SELECT area_code, year, population
        FROM population
        WHERE area_code IN (SELECT unnest(?::VARCHAR[]))
        """,
        [districts],
    ).fetchall()
    by_district: dict[str, dict[int, int]] = {}
    for code, year, population in rows:
        by_district.setdefault(code, {})[int(year)] = int(population)
    result = np.full((len(areas), len(years)), np.nan)
    used = np.zeros((len(areas), len(years)), dtype=np.int64)
    problems: list[list[str]] = [[] for _ in areas]
    for a, area in enumerate(areas):
        for y, year in enumerate(years):
            total = 0.0
            oldest = year
            ok = bool(area.districts)
            for district in area.districts:
                known = by_district.get(district, {})
                earlier = [k for k in known if k <= year]
                if not earlier:
                    ok = False
                    problems[a].append(
                        f"no population estimate for district {district} for {year} or earlier"
                    )
                    break
                best = max(earlier)
                oldest = min(oldest, best)
                total += known[best]
            if ok:
                result[a, y] = total
                used[a, y] = oldest
    return result, used, problems


def _rag(
    indicator: Indicator,
    value: float | None,
    complete: bool,
    significant: bool | None,
    direction: float | None,
    peer_comparison: str | None,
) -> tuple[str | None, str | None]:
    """RAG status from the indicator's rule, and a note when it is not rated."""
    rule = indicator.rag
    if rule == "none" or indicator.polarity == "neutral":
        return None, None
    if not complete:
        return None, "not rated: the figures are incomplete"
    bad_if_up = indicator.polarity == "lower_is_better"
    if rule == "last_year":
        if significant is None or direction is None:
            return None, "not rated: no comparison with last year"
        if not significant:
            return "amber", None
        went_up = direction > 1
        return ("red" if went_up == bad_if_up else "green"), None
    if rule == "peer_mean":
        if peer_comparison is None:
            return None, "not rated: no peer comparison"
        if peer_comparison == "similar":
            return "amber", None
        return ("red" if (peer_comparison == "above") == bad_if_up else "green"), None
    # target
    if value is None or indicator.target is None:
        return None, "not rated: no figure or no target"
    margin = indicator.amber_margin / 100 * abs(indicator.target)
    if bad_if_up:
        if value <= indicator.target:
            return "green", None
        return ("amber" if value <= indicator.target + margin else "red"), None
    if value >= indicator.target:
        return "green", None
    return ("amber" if value >= indicator.target - margin else "red"), None


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def compute_scorecards(
    con: duckdb.DuckDBPyConnection,
    areas: Sequence[Area],
    periods: Sequence[Period],
    indicators: IndicatorSet,
    *,
    geography: Geography | None = None,
    peers: Mapping[str, Sequence[Area]] | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> list[IndicatorResult]:
    """The scorecard for many areas and periods at once (e.g. every CSP, 12 quarters).

    ``peers`` maps an area code to its peer group (the area is added if absent); by default
    each area's :meth:`Geography.default_peers`. Results are ordered by area, then period,
    then indicator (as in the indicator file).
    """
    with _cyclic_gc_paused():
        return _compute_scorecards(
            con, areas, periods, indicators, geography=geography, peers=peers, alpha=alpha
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the results are built.

    A national run builds 100,000+ results from millions of tuples; every burst of allocations
    triggers a collection that scans all objects alive, which took about as long as building
    them. Results hold no reference cycles. The collector is turned back on afterwards (unless
    it was off already).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compute_scorecards(
    con: duckdb.DuckDBPyConnection,
    areas: Sequence[Area],
    periods: Sequence[Period],
    indicators: IndicatorSet,
    *,
    geography: Geography | None,
    peers: Mapping[str, Sequence[Area]] | None,
    alpha: float,
) -> list[IndicatorResult]:
    geography = geography or load_geography(con)
    targets = list(areas)
    if not targets or not periods or not len(indicators):
        return []
    groups: list[tuple[Area, ...]] = []
    for area in targets:
        group = tuple(peers[area.code]) if peers and area.code in peers else None
        if group is None:
            group = geography.default_peers(area)
        if area.code not in {g.code for g in group}:
            group = (area, *group)
        groups.append(group)
    all_areas: dict[str, Area] = {a.code: a for a in targets}
    for group in groups:
        for member in group:
            all_areas.setdefault(member.code, member)
    area_list = list(all_areas.values())
    area_pos = {a.code: i for i, a in enumerate(area_list)}
    inds = list(indicators.indicators)

    # The month axis: every month any period, its comparison period or its series needs.
    last = max(month_index(p.last) for p in periods)
    first = min(month_index(p.last) - SERIES_MONTHS + 1 for p in periods)
    first = min(first, min(month_index(p.year_earlier().first) for p in periods))
    n_months = last - first + 1
    bounds = [_month_date(first), _month_date(last)]
    counts = np.zeros((len(area_list), len(inds), n_months))

    police = [(k, i) for k, i in enumerate(inds) if i.source == "police.uk"]
    if police:
        keys = [k for k, i in police for _ in i.crime_types]
        types = [t for _, i in police for t in i.crime_types]
        area_keys = [p for p, a in enumerate(area_list) for _ in a.districts]
        lads = [d for a in area_list for d in a.districts]
        rows = con.execute(_CRIME_COUNTS_SQL, [keys, types, area_keys, lads, *bounds]).fetchnumpy()
        np.add.at(
            counts,
            (
                np.asarray(rows["area_key"], dtype=np.int64),
                np.asarray(rows["indicator_key"], dtype=np.int64),
                np.asarray(rows["month_number"], dtype=np.int64) - first,
            ),
            np.asarray(rows["crimes"], dtype=np.float64),
        )
    partner = [(k, i) for k, i in enumerate(inds) if i.source == "partner"]
    datasets = sorted({i.dataset for _, i in partner if i.dataset})
    if partner:
        unit_keys = [p for p, a in enumerate(area_list) for _ in (*a.districts, *a.csps_within)]
        units = [u for a in area_list for u in (*a.districts, *a.csps_within)]
        rows = con.execute(
            _PARTNER_COUNTS_SQL,
            [
                [k for k, _ in partner],
                [i.dataset for _, i in partner],
                [list(i.categories) for _, i in partner],
                [list(i.markers) for _, i in partner],
                unit_keys,
                units,
                *bounds,
            ],
        ).fetchnumpy()
        np.add.at(
            counts,
            (
                np.asarray(rows["area_key"], dtype=np.int64),
                np.asarray(rows["indicator_key"], dtype=np.int64),
                np.asarray(rows["month_number"], dtype=np.int64) - first,
            ),
            np.asarray(rows["records"], dtype=np.float64),
        )

    coverage = _coverage(con, area_list, first, n_months, datasets)
    # Missing months become nan, never zero.
    missing = np.zeros((len(area_list), len(inds), n_months), dtype=bool)
    for k, indicator in enumerate(inds):
        if indicator.source == "police.uk":
            missing[:, k, :] = coverage.police_missing
        elif indicator.dataset:
            missing[:, k, :] = coverage.partner_missing[datasets.index(indicator.dataset)]
    counts[missing] = np.nan

    # Populations: one per area per year needed (periods, comparison periods, series months).
    years = sorted(
        {p.population_year for p in periods}
        | {p.year_earlier().population_year for p in periods}
        | {_month_date(m).year for m in range(first, last + 1)}
    )
    year_pos = {y: i for i, y in enumerate(years)}
    population, population_used, population_problems = _population(con, area_list, years)

    # Period sums for the current and previous periods: [area, indicator, period].
    present = ~np.isnan(counts)
    cumulative = np.concatenate(
        [np.zeros((*counts.shape[:2], 1)), np.cumsum(np.where(present, counts, 0.0), axis=2)],
        axis=2,
    )
    cumulative_present = np.concatenate(
        [np.zeros((*counts.shape[:2], 1)), np.cumsum(present, axis=2)], axis=2
    )

    def period_sums(ps: Sequence[Period]) -> tuple[FloatArray, FloatArray, FloatArray]:
        lo = np.array([month_index(p.first) - first for p in ps])
        hi = np.array([month_index(p.last) - first + 1 for p in ps])
        total = cumulative[:, :, hi] - cumulative[:, :, lo]
        months_with_data = cumulative_present[:, :, hi] - cumulative_present[:, :, lo]
        length = (hi - lo).astype(np.float64)
        return total, months_with_data, np.broadcast_to(length, total.shape)

    previous_periods = [p.year_earlier() for p in periods]
    cur_total, cur_months, length = period_sums(periods)
    prev_total, prev_months, _ = period_sums(previous_periods)
    cur_has = cur_months > 0
    prev_has = prev_months > 0
    cur_complete = cur_months == length
    prev_complete = prev_months == length

    cur_pop = population[:, [year_pos[p.population_year] for p in periods]]  # [area, period]
    prev_pop = population[:, [year_pos[p.population_year] for p in previous_periods]]
    has_rate = np.array([i.has_rate for i in inds])
    per = np.array([float(i.per) for i in inds])
    with np.errstate(divide="ignore", invalid="ignore"):
        cur_rate = np.where(
            has_rate[None, :, None] & cur_has,
            cur_total / cur_pop[:, None, :] * per[None, :, None],
            np.nan,
        )
        prev_rate = np.where(
            has_rate[None, :, None] & prev_has,
            prev_total / prev_pop[:, None, :] * per[None, :, None],
            np.nan,
        )

    # Significance of the change: both periods complete, exposures known.
    exposure_cur = np.where(has_rate[None, :, None], cur_pop[:, None, :], 1.0)
    exposure_prev = np.where(has_rate[None, :, None], prev_pop[:, None, :], 1.0)
    exposure_cur = np.broadcast_to(exposure_cur, cur_total.shape)
    exposure_prev = np.broadcast_to(exposure_prev, cur_total.shape)
    testable = cur_complete & prev_complete & ~np.isnan(exposure_cur) & ~np.isnan(exposure_prev)
    ratio = np.full(cur_total.shape, np.nan)
    p_value = np.full(cur_total.shape, np.nan)
    ci_low = np.full(cur_total.shape, np.nan)
    ci_high = np.full(cur_total.shape, np.nan)
    if testable.any():
        r, pv, lo, hi = rate_ratio_tests(
            cur_total[testable],
            exposure_cur[testable],
            prev_total[testable],
            exposure_prev[testable],
            alpha,
        )
        ratio[testable], p_value[testable], ci_low[testable], ci_high[testable] = r, pv, lo, hi

    # Peer comparison: value = rate (or count without a denominator), complete periods only.
    value = np.where(has_rate[None, :, None], cur_rate, cur_total)
    value = np.where(cur_complete, value, np.nan)
    target_pos = np.array([area_pos[a.code] for a in targets])
    membership = np.zeros((len(targets), len(area_list)))
    for t, group in enumerate(groups):
        for member in group:
            membership[t, area_pos[member.code]] = 1.0
    valid = ~np.isnan(value)
    filled = np.where(valid, value, 0.0)
    peer_size = np.einsum("ta,aip->tip", membership, valid.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        peer_mean = np.einsum("ta,aip->tip", membership, filled) / peer_size
    own_value = value[target_pos]
    own_valid = valid[target_pos]
    higher = np.zeros(own_value.shape)
    for t in range(len(targets)):
        members = np.flatnonzero(membership[t])
        member_values = value[members]  # [members, indicator, period]
        higher[t] = np.sum((member_values > own_value[t][None]) & valid[members], axis=0)
    peer_rank = np.where(own_valid, higher + 1, np.nan)
    own_exposure = np.where(
        has_rate[None, :, None], cur_pop[target_pos][:, None, :] / per[None, :, None], 1.0
    )
    expected = peer_mean * own_exposure
    peer_testable = own_valid & ~np.isnan(expected) & (peer_size > 1)
    peer_p = np.full(own_value.shape, np.nan)
    peer_ratio = np.full(own_value.shape, np.nan)
    if peer_testable.any():
        r, pv, _, _ = expected_count_tests(
            cur_total[target_pos][peer_testable], expected[peer_testable], alpha
        )
        peer_p[peer_testable], peer_ratio[peer_testable] = pv, r

    # SPC: the 24 months ending with each period, for the target areas.
    series_index = np.array(
        [
            np.arange(
                month_index(p.last) - first - SERIES_MONTHS + 1, month_index(p.last) - first + 1
            )
            for p in periods
        ]
    )  # [period, 24]
    series_counts = counts[target_pos][:, :, series_index]  # [target, indicator, period, 24]
    month_years = np.array(
        [[year_pos[_month_date(first + m).year] for m in row] for row in series_index]
    )
    series_exposure = population[target_pos][:, month_years]  # [target, period, 24]
    exposure_for_chart = np.where(
        has_rate[None, :, None, None], series_exposure[:, None, :, :], 1.0
    )
    exposure_for_chart = np.where(np.isnan(exposure_for_chart), 1.0, exposure_for_chart)
    centre, lower, upper = control_limits(series_counts, exposure_for_chart)
    outside = (series_counts > upper) | (series_counts < lower)
    varying = ~np.isclose(centre.max(axis=-1), centre.min(axis=-1))

    # Build the frozen results. Each field is made for every result at once with numpy, as one
    # flat list in result order (area, then period, then indicator), and the results are then
    # built in a single pass: at national scale (100,000+ results) per-result Python work is
    # what costs, not the statistics.
    n_targets, n_periods, n_inds = len(targets), len(periods), len(inds)
    n_results = n_targets * n_periods * n_inds

    def flat(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """``[target, indicator, period, ...]`` -> ``[result, ...]`` in result order."""
        return x.swapaxes(1, 2).reshape(n_results, *x.shape[3:])

    def optional(values: npt.NDArray[Any], keep: npt.NDArray[np.bool_]) -> list[Any]:
        """The values as Python numbers in result order, None where not ``keep``."""
        out = flat(values).astype(object)
        out[~flat(keep)] = None
        values_list: list[Any] = out.tolist()
        return values_list

    def whole(values: FloatArray, keep: npt.NDArray[np.bool_]) -> list[Any]:
        """Whole-number values as Python ints in result order, None where not ``keep``."""
        return optional(np.where(keep, values, 0.0).astype(np.int64), keep)

    def per_indicator(values: Sequence[Any]) -> list[Any]:
        return list(values) * (n_targets * n_periods)

    def per_period(values: Sequence[Any]) -> list[Any]:
        return [v for v in values for _ in range(n_inds)] * n_targets

    def per_target(values: Sequence[Any]) -> list[Any]:
        return [v for v in values for _ in range(n_periods * n_inds)]

    def per_target_period(values: npt.NDArray[Any]) -> list[Any]:
        """``[target, period]`` values repeated for each indicator, in result order."""
        return np.repeat(values.reshape(-1), n_inds).tolist()

    own_cur_total, own_prev_total = cur_total[target_pos], prev_total[target_pos]
    own_cur_has, own_prev_has = cur_has[target_pos], prev_has[target_pos]
    own_complete, own_prev_complete = cur_complete[target_pos], prev_complete[target_pos]
    own_testable = testable[target_pos]
    own_ratio, own_p = ratio[target_pos], p_value[target_pos]
    own_rate, own_prev_rate = cur_rate[target_pos], prev_rate[target_pos]

    count = whole(own_cur_total, own_cur_has)
    previous_count = whole(own_prev_total, own_prev_has)
    changed = own_cur_has & own_prev_has & own_complete & own_prev_complete
    change = whole(own_cur_total - own_prev_total, changed)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (own_cur_total - own_prev_total) / own_prev_total * 100
    change_pct = [
        None if v is None else round(v, 6) for v in optional(pct, changed & (own_prev_total != 0))
    ]
    p_values = optional(own_p, own_testable)
    significant = optional(own_p < alpha, own_testable)
    rate_ratio = optional(own_ratio, own_testable & ~np.isnan(own_ratio))
    comparison_values = np.full(own_value.shape, None, dtype=object)
    with np.errstate(invalid="ignore"):
        differs = peer_testable & (peer_p < alpha)
        comparison_values[peer_testable] = "similar"
        comparison_values[differs & (peer_ratio > 1)] = "above"
        comparison_values[differs & ~(peer_ratio > 1)] = "below"
    comparison = flat(comparison_values).tolist()
    rate = optional(own_rate, ~np.isnan(own_rate))

    pop_known = ~np.isnan(cur_pop[target_pos])  # [target, period]
    pop_values = np.where(pop_known, cur_pop[target_pos], 0.0).astype(np.int64).astype(object)
    pop_values[~pop_known] = None
    used_values = (
        population_used[target_pos][:, [year_pos[p.population_year] for p in periods]]
    ).astype(object)
    used_values[~pop_known] = None

    # RAG from the indicator's rule: _rag depends on a few discrete inputs (and on the figure
    # only for a target rule), so each distinct combination is worked out once.
    rag_complete = np.where(
        np.array([i.rag == "last_year" for i in inds])[None, :, None],
        own_complete & own_prev_complete,
        own_complete,
    )
    rag_complete_l = flat(rag_complete).tolist()
    rag_col: list[str | None] = [None] * n_results
    rag_notes: list[str | None] = [None] * n_results
    rag_memo: dict[tuple[Any, ...], tuple[str | None, str | None]] = {}
    by_target = [i.rag == "target" for i in inds]
    for row in range(n_results):
        k = row % n_inds
        indicator = inds[k]
        figure: float | None = None
        if by_target[k]:
            figure = (
                rate[row]
                if indicator.has_rate
                else (None if count[row] is None else float(count[row]))
            )
        direction = rate_ratio[row]
        key = (
            k,
            rag_complete_l[row],
            significant[row],
            None if direction is None else direction > 1,
            comparison[row],
            figure,
        )
        got = rag_memo.get(key)
        if got is None:
            got = rag_memo[key] = _rag(
                indicator, figure, rag_complete_l[row], significant[row], direction, comparison[row]
            )
        rag_col[row], rag_notes[row] = got

    # Data-quality notes: they depend on the area only through its coverage and population
    # estimates, so areas alike share one computation.
    source_keys = [-1 if i.source == "police.uk" else datasets.index(i.dataset or "") for i in inds]
    notes_cache: dict[tuple[Any, ...], tuple[str, ...]] = {}
    notes_col: list[tuple[str, ...]] = []
    for area in targets:
        a = area_pos[area.code]
        area_key = (
            population_used[a].tobytes(),
            tuple(population_problems[a]),
            coverage.police_missing[a].tobytes(),
            coverage.partial[a].tobytes(),
            coverage.force_names[a],
        )
        for p, period in enumerate(periods):
            for k in range(n_inds):
                source_key = source_keys[k]
                cache_key = (p, source_key, *(area_key if source_key == -1 else area_key[:2]))
                notes = notes_cache.get(cache_key)
                if notes is None:
                    notes = notes_cache[cache_key] = _notes(
                        area,
                        period,
                        previous_periods[p],
                        first,
                        coverage,
                        a,
                        source_key,
                        datasets,
                        population_used[a],
                        year_pos,
                        population_problems[a],
                    )
                rag_note = rag_notes[len(notes_col)]
                notes_col.append((*notes, rag_note) if rag_note else notes)

    # The monthly series. Within a calendar year every month has the same population, so the
    # centre line and limits take one value per year: those values are made into Python floats
    # once and shared by the months of the year (checked, with a plain fallback).
    series_months = [
        tuple(month_label(_month_date(first + m)) for m in row) for row in series_index
    ]
    year_change = np.diff(month_years, axis=1) != 0
    segment = np.concatenate(
        [np.zeros((n_periods, 1), dtype=np.int64), np.cumsum(year_change, axis=1)], axis=1
    )  # [period, 24]: which calendar year of the series each month falls in
    segment_start = np.array(
        [
            [int(np.argmax(row == s)) if (row == s).any() else 0 for s in range(segment.max() + 1)]
            for row in segment
        ]
    )  # [period, years]: the first month of each
    period_axis = np.arange(n_periods)[:, None]
    years_in_series = int(segment.max()) + 1  # at most 3 for 24 months
    year_lengths = per_period([tuple(int((row == s).sum()) for s in range(3)) for row in segment])

    def limit_tuples(values: FloatArray) -> list[tuple[float, ...]]:
        rounded = np.round(values, 6)
        per_year = rounded[:, :, period_axis, segment_start]
        shared = years_in_series <= 3 and np.array_equal(
            per_year[:, :, period_axis, segment], rounded, equal_nan=True
        )
        if not shared:  # month by month
            return list(map(tuple, flat(rounded.astype(object)).tolist()))
        padding = [(0, 0)] * 3 + [(0, 3 - years_in_series)]
        firsts = flat(np.pad(per_year, padding, constant_values=np.nan)).tolist()
        return [
            (v[0],) * n[0] + (v[1],) * n[1] + (v[2],) * n[2]
            for v, n in zip(firsts, year_lengths, strict=True)
        ]

    month_missing = np.isnan(counts[target_pos])  # [target, indicator, month]
    month_counts = np.where(month_missing, 0.0, counts[target_pos]).astype(np.int64).astype(object)
    month_counts[month_missing] = None
    series_counts_col = list(map(tuple, flat(month_counts[:, :, series_index]).tolist()))
    outside_flat = flat(outside)
    outside_col: list[tuple[str, ...]] = [()] * n_results
    for row in np.flatnonzero(outside_flat.any(axis=-1)).tolist():
        months = series_months[(row // n_inds) % n_periods]
        flags = outside_flat[row].tolist()
        outside_col[row] = tuple(m for m, o in zip(months, flags, strict=True) if o)
    series = list(
        map(
            MonthlySeries,
            per_period(series_months),
            series_counts_col,
            limit_tuples(centre),
            limit_tuples(lower),
            limit_tuples(upper),
            outside_col,
            flat(np.where(varying, "u", "c")).tolist(),
        )
    )

    columns: dict[str, list[Any]] = {
        "indicator_id": per_indicator([i.id for i in inds]),
        "indicator_name": per_indicator([i.name for i in inds]),
        "definition": per_indicator([i.definition for i in inds]),
        "area_code": per_target([a.code for a in targets]),
        "area_name": per_target([a.name for a in targets]),
        "area_type": per_target([a.type for a in targets]),
        "period": per_period([p.label for p in periods]),
        "period_first": per_period([month_label(p.first) for p in periods]),
        "period_last": per_period([month_label(p.last) for p in periods]),
        "count": count,
        "rate_per_1000": rate,
        "population": per_target_period(pop_values),
        "population_year": per_target_period(used_values),
        "complete": flat(own_complete).tolist(),
        "previous_period": per_period([p.label for p in previous_periods]),
        "previous_count": previous_count,
        "previous_rate_per_1000": optional(own_prev_rate, ~np.isnan(own_prev_rate)),
        "previous_complete": flat(own_prev_complete).tolist(),
        "change": change,
        "change_pct": change_pct,
        "rate_ratio": rate_ratio,
        "p_value": p_values,
        "significant": significant,
        "ratio_ci_low": optional(ci_low[target_pos], own_testable),
        "ratio_ci_high": optional(ci_high[target_pos], own_testable),
        "peer_rank": whole(np.nan_to_num(peer_rank), own_valid),
        "peer_size": whole(peer_size, own_valid),
        "peer_mean_rate": optional(peer_mean, ~np.isnan(peer_mean)),
        "peer_p_value": optional(peer_p, ~np.isnan(peer_p)),
        "peer_comparison": comparison,
        "peer_codes": per_target([tuple(g.code for g in group) for group in groups]),
        "rag": rag_col,
        "polarity": per_indicator([i.polarity for i in inds]),
        "series": series,
        "notes": notes_col,
        "definition_version": [indicators.version] * n_results,
        "alpha": [alpha] * n_results,
    }
    names = [f.name for f in fields(IndicatorResult)]
    if list(columns) != names[: len(columns)]:  # positional construction below
        raise AssertionError("IndicatorResult fields and scorecard columns out of step")
    return list(map(IndicatorResult, *columns.values()))


def _notes(
    area: Area,
    period: Period,
    previous: Period,
    first: int,
    coverage: _Coverage,
    a: int,
    source_key: int,
    datasets: Sequence[str],
    population_used: npt.NDArray[np.int64],
    year_pos: Mapping[int, int],
    population_problems: Sequence[str],
) -> tuple[str, ...]:
    """Data-quality notes for one area, period and data source."""
    notes: list[str] = []

    def months_of(p: Period) -> range:
        return range(month_index(p.first), month_index(p.last) + 1)

    for label, p in (("this period", period), ("the period a year earlier", previous)):
        lo, hi = month_index(p.first) - first, month_index(p.last) - first + 1
        if source_key == -1:
            if not (coverage.police_missing[a, lo:hi].any() or coverage.partial[a, lo:hi].any()):
                continue
            gone = [m for m in months_of(p) if coverage.police_missing[a, m - first]]
            whose = ", ".join(coverage.force_names[a]) or "any police force"
            if gone:
                notes.append(
                    f"Incomplete figure for {label}: no police.uk data loaded for {whose} "
                    f"for {_fmt_months(gone)} (missing months are left out, not counted as zero)."
                )
            thin = [m for m in months_of(p) if coverage.partial[a, m - first]]
            if thin:
                notes.append(
                    f"Possibly partial month(s) in {label}: the police.uk file for {whose} for "
                    f"{_fmt_months(thin)} is much smaller than the months around it."
                )
        else:
            dataset = datasets[source_key]
            if not coverage.partner_missing[source_key, lo:hi].any():
                continue
            gone = [m for m in months_of(p) if coverage.partner_missing[source_key, m - first]]
            if gone:
                notes.append(
                    f"Incomplete figure for {label}: no partner data '{dataset}' loaded for "
                    f"{_fmt_months(gone)}."
                )
    for p in (period, previous):
        year = p.population_year
        used = int(population_used[year_pos[year]])
        if used and used != year:
            notes.append(
                f"Population for {p.label}: no mid-{year} estimate, so the mid-{used} "
                "estimate (the latest earlier one) is used."
            )
        elif used:
            notes.append(f"Population for {p.label}: ONS mid-{year} estimate.")
    notes.extend(dict.fromkeys(population_problems))
    return tuple(notes)


def scorecard(
    con: duckdb.DuckDBPyConnection,
    area: str,
    period: Period,
    indicators: IndicatorSet,
    *,
    peers: Sequence[str] | None = None,
    alpha: float = DEFAULT_ALPHA,
    per_indicator_period: bool = False,
) -> list[IndicatorResult]:
    """The scorecard for one area (CSP, district, county or force area; code or name).

    ``peers`` lists the codes or names of a user-defined peer group (e.g. a most similar
    group); by default the other CSPs of the same police force area. With
    ``per_indicator_period`` each indicator uses its own period type ending with ``period``.
    Raises :class:`AreaNotFoundError` for an unknown area and :class:`NoDataError` when
    nothing at all is loaded for the period.
    """
    geography = load_geography(con)
    target = geography.resolve(area)
    peer_map = None
    if peers:
        peer_map = {target.code: [geography.resolve(p) for p in peers]}
    if per_indicator_period:
        from saferhub.analytics.periods import resolve_period

        results = []
        for indicator in indicators:
            own = resolve_period(month_label(period.last), indicator.period_type)
            one = IndicatorSet((indicator,), indicators.path, indicators.version)
            results += compute_scorecards(
                con, [target], [own], one, geography=geography, peers=peer_map, alpha=alpha
            )
    else:
        results = compute_scorecards(
            con, [target], [period], indicators, geography=geography, peers=peer_map, alpha=alpha
        )
    if results and all(r.count is None for r in results):
        held = con.execute("SELECT min(month), max(month) FROM crime_count").fetchone()
        span = (
            f"police.uk data held: {month_label(held[0])} to {month_label(held[1])}"
            if held and held[0]
            else "no police.uk data are loaded"
        )
        forces_named = ", ".join(_force_slugs(target)) or "the forces covering the area"
        raise NoDataError(
            f"No data for {target.label} for {period.description}: no police.uk files for "
            f"{forces_named} and no partner data for those months ({span})."
        )
    return results


def publish(
    results: Sequence[IndicatorResult],
    indicators: IndicatorSet,
    rule: DisclosureRule | None = None,
) -> list[IndicatorResult]:
    """The published version of scorecard results: disclosure control applied.

    Per area and period, the counts (this period, a year earlier, and each month of the
    series) below the threshold are hidden, with secondary suppression across everything that
    adds up: months to their period, crime types to all crime (for the period and for each
    month). So no hidden count can be recovered by subtraction. Where a count is hidden,
    everything that would reveal it (rate, change, interval, p-value, rank) is hidden too;
    the percentage change is hidden on a base below the minimum. Restricted indicators
    (``restricted = true`` in the definitions) are left out altogether. Internal results are
    not changed (a new list is returned).
    """
    rule = rule or DisclosureRule()
    restricted = {i.id for i in indicators if i.restricted}
    results = [r for r in results if r.indicator_id not in restricted]
    groups = indicators.additive_groups()
    by_key: dict[tuple[str, str], list[IndicatorResult]] = {}
    for result in results:
        by_key.setdefault((result.area_code, result.period), []).append(result)
    published: dict[int, IndicatorResult] = {}
    for rows in by_key.values():
        values, constraints = _publication_table(rows, groups)
        shown = suppress(values, constraints, rule)
        for r in rows:
            published[id(r)] = _hide(r, shown, rule)
    return [published.get(id(r), r) for r in results]


Cell = tuple[str, str, int]


def _publication_table(
    rows: Sequence[IndicatorResult], groups: Sequence[tuple[str, tuple[str, ...]]]
) -> tuple[dict[Cell, int], list[SumConstraint[Cell]]]:
    """Every published count of one area and period, and the sums that link them."""
    values: dict[Cell, int] = {}
    constraints: list[SumConstraint[Cell]] = []
    present = {r.indicator_id: r for r in rows}
    for r in rows:
        if r.count is not None:
            values[("count", r.indicator_id, 0)] = r.count
        if r.previous_count is not None:
            values[("previous", r.indicator_id, 0)] = r.previous_count
        for i, c in enumerate(r.series.counts):
            if c is not None:
                values[("month", r.indicator_id, i)] = c
        for column, first, last, complete in (
            ("count", r.period_first, r.period_last, r.complete),
            (
                "previous",
                _year_before(r.period_first),
                _year_before(r.period_last),
                r.previous_complete,
            ),
        ):
            inside = [i for i, m in enumerate(r.series.months) if first <= m <= last]
            total: Cell = (column, r.indicator_id, 0)
            parts = tuple(("month", r.indicator_id, i) for i in inside)
            span = _months_in(first, last)
            if (
                complete
                and total in values
                and len(inside) == span
                and all(x in values for x in parts)
            ):
                constraints.append(SumConstraint(total, parts))
    for total_id, part_ids in groups:
        if total_id not in present or not all(p in present for p in part_ids):
            continue
        keys = [("count", 0), ("previous", 0)] + [
            ("month", i) for i in range(len(present[total_id].series.months))
        ]
        for column, i in keys:
            cells = [(column, x, i) for x in (total_id, *part_ids)]
            if all(c in values for c in cells):
                constraints.append(SumConstraint(cells[0], tuple(cells[1:])))
    return values, constraints


def _year_before(label: str) -> str:
    return f"{int(label[:4]) - 1:04d}{label[4:]}"


def _months_in(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _hide(
    r: IndicatorResult, shown: Mapping[Cell, int | None], rule: DisclosureRule
) -> IndicatorResult:
    """One result with the cells disclosure control hid, and what they would reveal, removed."""
    hide_now = r.count is not None and shown[("count", r.indicator_id, 0)] is None
    hide_before = r.previous_count is not None and shown[("previous", r.indicator_id, 0)] is None
    hidden: list[str] = []
    count, rate, rank = r.count, r.rate_per_1000, r.peer_rank
    previous, previous_rate = r.previous_count, r.previous_rate_per_1000
    change, change_pct = r.change, r.change_pct
    ratio, p_value, low, high, significant = (
        r.rate_ratio,
        r.p_value,
        r.ratio_ci_low,
        r.ratio_ci_high,
        r.significant,
    )
    if hide_now:
        count = rate = rank = None
        hidden += ["count", "rate_per_1000", "peer_rank"]
    if hide_before:
        previous = previous_rate = None
        hidden += ["previous_count", "previous_rate_per_1000"]
    if hide_now or hide_before:
        change = change_pct = ratio = p_value = low = high = None
        significant = None
        hidden += ["change", "change_pct", "p_value", "ratio_ci_low", "ratio_ci_high"]
    elif change_pct is not None and not change_publishable(r.previous_count, rule):
        change_pct = None
        hidden.append("change_pct")
    months = tuple(
        None if c is None or shown[("month", r.indicator_id, i)] is None else c
        for i, c in enumerate(r.series.counts)
    )
    series = r.series
    if months != r.series.counts:
        series = replace(r.series, counts=months)
        hidden.append("series")
    if not hidden:
        return r
    note = (
        f"Published figures: counts below {rule.threshold}, and figures that would reveal "
        "them, are hidden."
    )
    return replace(
        r,
        count=count,
        rate_per_1000=rate,
        peer_rank=rank,
        previous_count=previous,
        previous_rate_per_1000=previous_rate,
        change=change,
        change_pct=change_pct,
        rate_ratio=ratio,
        p_value=p_value,
        significant=significant,
        ratio_ci_low=low,
        ratio_ci_high=high,
        series=series,
        suppressed=tuple(hidden),
        notes=(*r.notes, note),
    )
