"""The demo warehouse: fictional Lindenshire, loaded through the real ingest.

``saferhub demo`` calls :func:`build_demo_warehouse`. It writes, under the data directory's
``demo/`` folder, the files a real partnership would load, and loads them with the same
functions as ``saferhub ingest``:

* ONS-style lookups (LSOA -> ward -> district, district -> CSP -> police force area,
  district -> county) for an invented county, with codes in ranges ONS does not use
  (LSOAs E01900000+, wards E05900001+, districts E07900001-3 and unitary E06900001, CSPs
  E22900001-3, county E10900001, police force area E23900001);
* mid-year population estimates in the ONS MYE4 layout;
* 42 months of police.uk street files for the fictional force ``lindenshire``, made by
  ``analytics.synthetic.write_street_files`` (seasonal, with a rising trend and one unusual
  month so the charts have something to show);
* partner data in the documented partner CSV format (docs/partner-data.md);
* the case system's datasets (``saferhub-*``, performance.case_figures) for the demo months,
  made up, because the demo's own cases are recent and the police.uk months end earlier
  (:func:`add_demo_case_history`; the demo's real cases are exported on top of it).

Every figure is synthetic. Running it again changes nothing (a marker in the warehouse says
the demo is loaded); a warehouse that already holds real police.uk data is left alone.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from saferhub.analytics import geography, partner, synthetic, warehouse
from saferhub.analytics.ingest_police_uk import load_police_uk

__all__ = [
    "COUNTY",
    "CSPS",
    "DEMO_FORCE",
    "DEMO_MONTHS",
    "DISTRICTS",
    "PFA",
    "DemoWarehouseReport",
    "add_demo_case_history",
    "build_demo_warehouse",
]

DEMO_VERSION = "1"
DEMO_FORCE = "lindenshire"
PFA = ("E23900001", "Lindenshire")
COUNTY = ("E10900001", "Lindenshire")
CSPS = {
    "E22900001": "Brackenford",
    "E22900002": "Carrow and Dunmere",
    "E22900003": "Eskholm",
}


@dataclass(frozen=True, slots=True)
class District:
    """A fictional district: code, name, CSP, whether in the county, size."""

    code: str
    name: str
    csp: str
    in_county: bool
    lsoas: int
    wards: int
    population: int
    """Mid-2020 estimate; other years grow by about 0.6% a year."""


DISTRICTS = (
    District("E07900001", "Brackenford", "E22900001", True, 64, 12, 118_400),
    District("E07900002", "Carrow", "E22900002", True, 48, 10, 92_300),
    District("E07900003", "Dunmere", "E22900002", True, 40, 9, 71_800),
    District("E06900001", "Eskholm", "E22900003", False, 88, 15, 163_200),
)

DEMO_MONTHS = tuple(
    f"{y}-{m:02d}" for y in range(2022, 2026) for m in range(1, 13) if (y, m) >= (2022, 4)
)[:42]
"""April 2022 to September 2025."""

BASE_ROWS = 3_300
SPIKE_MONTH = "2024-07"
SEED = 20_221


@dataclass
class DemoWarehouseReport:
    """What building the demo warehouse did."""

    built: bool
    message: str
    files_loaded: int = 0
    rows_loaded: int = 0
    notes: list[str] = field(default_factory=list)


def _lsoas() -> dict[str, list[tuple[str, str, str, str]]]:
    """Per district: (lsoa code, lsoa name, ward code, ward name)."""
    result: dict[str, list[tuple[str, str, str, str]]] = {}
    lsoa_no, ward_no = 900_000, 900_001
    for district in DISTRICTS:
        items = []
        ward_codes = [f"E05{ward_no + i:06d}" for i in range(district.wards)]
        ward_no += district.wards
        for i in range(district.lsoas):
            ward_index = i * district.wards // district.lsoas
            items.append(
                (
                    f"E01{lsoa_no:06d}",
                    f"{district.name} {i + 1:03d}{'ABCD'[i % 4]}",
                    ward_codes[ward_index],
                    f"{district.name} {_WARD_NAMES[ward_index % len(_WARD_NAMES)]}",
                )
            )
            lsoa_no += 1
        result[district.code] = items
    return result


_WARD_NAMES = (
    "Abbey",
    "Bridge",
    "Castle",
    "Dale",
    "East",
    "Fairfield",
    "Green",
    "Hillside",
    "Kingsway",
    "Marsh",
    "North",
    "Oakwood",
    "Park",
    "Riverside",
    "South",
    "Town",
    "West",
)


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _lookups(folder: Path) -> list[Path]:
    lsoas = _lsoas()
    lsoa_rows: list[list[object]] = []
    for district in DISTRICTS:
        for code, name, ward, ward_name in lsoas[district.code]:
            lsoa_rows.append([code, name, ward, ward_name, district.code, district.name])
    return [
        _write_csv(
            folder / "LSOA11_WD19_LAD19_Lindenshire_LU.csv",
            ["LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"],
            lsoa_rows,
        ),
        _write_csv(
            folder / "LAD19_CSP19_PFA19_Lindenshire_LU.csv",
            ["LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"],
            [[d.code, d.name, d.csp, CSPS[d.csp], *PFA] for d in DISTRICTS],
        ),
        _write_csv(
            folder / "LAD19_CTY19_Lindenshire_LU.csv",
            ["LAD19CD", "LAD19NM", "CTY19CD", "CTY19NM"],
            [[d.code, d.name, *COUNTY] for d in DISTRICTS if d.in_county],
        ),
    ]


def _population(folder: Path) -> Path:
    years = list(range(2025, 2010, -1))
    rows: list[list[object]] = []
    for d in DISTRICTS:
        figures = [round(d.population * 1.006 ** (year - 2020)) for year in years]
        kind = "Unitary Authority" if d.code.startswith("E06") else "Non-metropolitan District"
        rows.append([d.code, d.name, kind, *figures])
    return _write_csv(
        folder / "MYE4_Lindenshire_population.csv",
        ["Code", "Name", "Geography", *[f"Mid-{y}" for y in years]],
        rows,
    )


def _monthly_rows(month: str) -> int:
    """Seasonal (summer high), a rise of about 6% a year, and one unusual month."""
    index = DEMO_MONTHS.index(month)
    month_no = int(month[5:7])
    seasonal = 1 + 0.09 * math.sin((month_no - 4) / 12 * 2 * math.pi)
    trend: float = 1.06 ** (index / 12)
    spike = 1.35 if month == SPIKE_MONTH else 1.0
    return round(BASE_ROWS * seasonal * trend * spike)


def _street_files(folder: Path) -> list[Path]:
    lsoas = _lsoas()
    fictional = {
        DEMO_FORCE: [(code, name) for d in DISTRICTS for code, name, _, _ in lsoas[d.code]]
    }
    files: list[Path] = []
    for month in DEMO_MONTHS:
        files += synthetic.write_street_files(
            folder,
            [DEMO_FORCE],
            [month],
            _monthly_rows(month),
            seed=SEED,
            geography=fictional,
        )
    return files


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, normal approximation for large ones)."""
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _partner_file(folder: Path) -> Path:
    """Every partner dataset of the default indicators, for every demo month, as counts."""
    rng = random.Random(SEED)  # noqa: S311 - synthetic figures, not security
    rows: list[list[object]] = []
    csp_population: dict[str, int] = {}
    for d in DISTRICTS:
        csp_population[d.csp] = csp_population.get(d.csp, 0) + d.population
    strands = ("race", "religion", "sexual-orientation", "disability", "transgender")
    strand_rates = (0.060, 0.012, 0.016, 0.010, 0.004)  # per 1,000 residents a month
    for index, month in enumerate(DEMO_MONTHS):
        growth = 1.04 ** (index / 12)
        for d in DISTRICTS:
            k = d.population / 1000 * growth
            rows.append(
                [
                    "crime-markers",
                    month,
                    d.code,
                    "Violence and sexual offences",
                    "domestic-abuse",
                    _poisson(rng, 1.05 * k),
                ]
            )
            for strand, rate in zip(strands, strand_rates, strict=True):
                rows.append(
                    [
                        "crime-markers",
                        month,
                        d.code,
                        "Public order",
                        f"hate:{strand}",
                        _poisson(rng, rate * k),
                    ]
                )
                rows.append(
                    [
                        "hate-incidents",
                        month,
                        d.code,
                        strand,
                        f"hate:{strand}",
                        _poisson(rng, rate * 0.6 * k),
                    ]
                )
            for substance, rate in (("alcohol", 0.35), ("opiates", 0.22), ("cannabis", 0.12)):
                rows.append(
                    [
                        "substance-misuse-contacts",
                        month,
                        d.code,
                        substance,
                        "",
                        _poisson(rng, rate * k),
                    ]
                )
        for csp, population in csp_population.items():
            k = population / 1000
            answered = _poisson(rng, 0.28 * k * growth)
            rows.append(["da-helpline-calls", month, csp, "answered", "", answered])
            rows.append(["da-helpline-calls", month, csp, "abandoned", "", _poisson(rng, 0.03 * k)])
            rows.append(["channel-referrals", month, csp, "", "", _poisson(rng, 0.004 * k)])
            rows.append(
                ["marac-referrals", month, csp, "new", "domestic-abuse", _poisson(rng, 0.028 * k)]
            )
            rows.append(
                [
                    "marac-referrals",
                    month,
                    csp,
                    "repeat",
                    "domestic-abuse",
                    _poisson(rng, 0.012 * k),
                ]
            )
    return _write_csv(
        folder / "lindenshire-partner-data.csv",
        ["dataset", "month", "area_code", "category", "markers", "count"],
        rows,
    )


def _holds_other_data(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM source_file WHERE dataset = 'street' AND force <> ?", [DEMO_FORCE]
    ).fetchone()
    return bool(row and row[0])


def _marker(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'demo'").fetchone()
    return str(row[0]) if row else None


def _only_old_demo_figures(path: Path) -> bool:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return _marker(con) is not None and not _holds_other_data(con)
    finally:
        con.close()


def build_demo_warehouse(path: Path, folder: Path) -> DemoWarehouseReport:
    """Write the demo's files under ``folder`` and load them into the warehouse at ``path``
    through the real ingest functions. Skipped if already done, or if the warehouse holds
    real police.uk data (the demo never mixes invented figures into real ones). A demo
    warehouse made by an earlier SaferHub is rebuilt."""
    try:
        con = warehouse.connect(path)
    except warehouse.WarehouseError:
        if not _only_old_demo_figures(path):
            raise
        for old in (path, path.with_name(path.name + ".wal")):
            old.unlink(missing_ok=True)
        con = warehouse.connect(path)
    try:
        if _marker(con) == DEMO_VERSION:
            return DemoWarehouseReport(False, "Demo figures already loaded: nothing changed.")
        if _holds_other_data(con):
            return DemoWarehouseReport(
                False,
                "The warehouse already holds real police.uk data, so no demo figures were "
                "added to it.",
            )
        report = DemoWarehouseReport(True, "Demo figures loaded (synthetic data).")
        steps = (
            ("geography", geography.load_geography, _lookups(folder / "lookups")),
            ("population", geography.load_population, [_population(folder / "population")]),
            ("police.uk", load_police_uk, _street_files(folder / "police-uk")),
            ("partner", partner.load_partner, [_partner_file(folder / "partner")]),
        )
        for name, load, files in steps:
            outcome = load(con, files)
            report.files_loaded += sum(1 for f in outcome.files if f.status == "loaded")
            report.rows_loaded += sum(f.rows_loaded for f in outcome.files)
            refused = [f for f in outcome.files if f.status == "refused"]
            if refused:
                raise RuntimeError(
                    f"demo {name} file refused: {refused[0].name}: {refused[0].message}"
                )
        con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES ('demo', ?)", [DEMO_VERSION])
        con.execute("CHECKPOINT")
        return report
    finally:
        con.close()


def _case_history_file(folder: Path) -> Path:
    """Synthetic case-system figures for the demo months, by district: ASB cases opened and
    closed, reviews overdue, MARAC referrals new and repeat (about 16 a year per 10,000
    residents, a third of them repeats)."""
    rng = random.Random(SEED + 7)  # noqa: S311 - synthetic figures, not security
    rows: list[list[object]] = []
    for index, month in enumerate(DEMO_MONTHS):
        recent = index >= len(DEMO_MONTHS) - 3
        for d in DISTRICTS:
            k = d.population / 1000
            opened = _poisson(rng, 0.045 * k)
            rows.append(["saferhub-cases-opened", month, d.code, "asb", opened])
            rows.append(
                ["saferhub-cases-opened", month, d.code, "domestic_abuse", _poisson(rng, 0.03 * k)]
            )
            rows.append(["saferhub-cases-closed", month, d.code, "asb", _poisson(rng, 0.043 * k)])
            rows.append(
                [
                    "saferhub-reviews-overdue",
                    month,
                    d.code,
                    "asb",
                    _poisson(rng, (0.02 if recent else 0.002) * k),
                ]
            )
            rows.append(["saferhub-marac-referrals", month, d.code, "new", _poisson(rng, 0.09 * k)])
            rows.append(
                ["saferhub-marac-referrals", month, d.code, "repeat", _poisson(rng, 0.045 * k)]
            )
    return _write_csv(
        folder / "lindenshire-case-system-history.csv",
        ["dataset", "month", "area_code", "category", "count"],
        rows,
    )


def add_demo_case_history(path: Path, folder: Path) -> bool:
    """Load the demo's synthetic case-system history into a demo warehouse (the same file
    again is skipped by the loader). Returns False, changing nothing, for a warehouse that
    is not the demo's (no demo marker, or real police.uk data): then neither the history nor
    the demo's cases may be exported into it."""
    con = warehouse.connect(path)
    try:
        if _marker(con) is None or _holds_other_data(con):
            return False
        report = partner.load_partner(con, [_case_history_file(folder / "partner")])
        refused = [f for f in report.files if f.status == "refused"]
        if refused:  # pragma: no cover - the file is made to the format
            raise RuntimeError(f"demo case history refused: {refused[0].message}")
        con.execute("CHECKPOINT")
        return True
    finally:
        con.close()
