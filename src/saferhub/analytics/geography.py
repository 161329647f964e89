"""ONS geography lookups and mid-year population estimates in the warehouse.

Geography: LSOA (2011) -> ward -> local authority district (LAD) -> Community Safety
Partnership (CSP) -> police force area (PFA), and LAD -> county. Boundaries change most years,
so every lookup is kept by *version* (the year in its column names: ``LAD19CD`` is 2019).
Which file is which is told from its header, never its name:

* ``LSOA11CD, WD19CD, LAD19CD`` ...          -> geo_lsoa, version 2019
* ``LAD19CD, CSP19CD, PFA19CD`` ...          -> geo_lad (CSP and PFA columns), version 2019
* ``LAD19CD, CTY19CD`` ...                   -> geo_lad (county columns), version 2019

Loading a lookup replaces that version's rows of that kind, in one transaction; loading the
same bytes again is skipped. A CSP may cover several districts (North Worcestershire is
Bromsgrove, Redditch and Wyre Forest): geo_lad has one row per district. The reverse also
happens in ONS files: the Dec-2019 lookup maps Bournemouth, Christchurch and Poole to three
older CSPs and East Suffolk to two. Such a district cannot say which CSP its crimes belong to,
so it keeps csp_code NULL (its crimes count as UNMAPPED at CSP level) and the candidate CSPs
are listed in geo_lad_split.

Population: the ONS MYE4 summary (``Code, Name, Geography, Mid-2020 ... Mid-2001``), unpivoted
into population(area_code, area_name, year, population). :func:`population_for` answers "the
population of this area in this year", falling back to the latest earlier estimate and saying
which year it used.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from saferhub.analytics.ingest_report import FileOutcome, LoadReport

__all__ = [
    "PopulationFigure",
    "latest_geography_version",
    "load_geography",
    "load_population",
    "population_for",
]


@dataclass(frozen=True)
class PopulationFigure:
    """A population figure and the estimate year it comes from."""

    area_code: str
    year_requested: int
    year_used: int
    population: int

    @property
    def fallback(self) -> bool:
        """True when no estimate exists for the year asked and an earlier one was used."""
        return self.year_used != self.year_requested

    @property
    def note(self) -> str:
        """Plain-English data-quality note, empty when the requested year was available."""
        if not self.fallback:
            return ""
        return (
            f"no {self.year_requested} population estimate for {self.area_code}: "
            f"used mid-{self.year_used}"
        )


def _read_text(path: Path) -> tuple[bytes, str]:
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        raw = gzip.decompress(raw)
    return raw, raw.decode("utf-8-sig")


def _already_loaded(con: duckdb.DuckDBPyConnection, dataset: str, sha: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM source_file WHERE dataset = ? AND sha256 = ?", [dataset, sha]
    ).fetchone()
    return bool(row and row[0])


def _record_file(
    con: duckdb.DuckDBPyConnection, dataset: str, name: str, sha: str, size: int, rows: int
) -> int:
    row = con.execute("SELECT nextval('source_file_seq')").fetchone()
    if row is None:  # pragma: no cover
        raise RuntimeError("source_file_seq gave no value")
    file_id = int(row[0])
    con.execute(
        """
        INSERT INTO source_file (file_id, dataset, force, month, name, sha256, bytes, rows_read,
            rows_loaded, rows_quarantined, loaded_at, replaced_by)
        VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?, 0, now()::TIMESTAMP, NULL)
        """,
        [file_id, dataset, name, sha, size, rows, rows],
    )
    return file_id


_COLUMN = re.compile(r"^(LSOA|WD|LAD|CSP|PFA|CTY)(\d{2})(CD|NM)$")


def _classify(header: list[str]) -> tuple[str, int, dict[str, str]]:
    """Which ONS lookup a header belongs to: (kind, version year, role -> column)."""
    roles: dict[str, str] = {}
    years: dict[str, int] = {}
    for name in header:
        match = _COLUMN.match(name.strip())
        if match:
            roles[match[1] + match[3]] = name
            years[match[1]] = 2000 + int(match[2])
    if {"LSOACD", "LADCD"} <= roles.keys():
        return "lsoa", years.get("WD", years["LAD"]), roles
    if {"LADCD", "CSPCD", "PFACD"} <= roles.keys():
        return "csp", years["CSP"], roles
    if {"LADCD", "CTYCD"} <= roles.keys():
        return "county", years["CTY"], roles
    raise ValueError(
        "line 1: not a recognised ONS lookup: expected LSOA11CD/WDyyCD/LADyyCD, "
        "LADyyCD/CSPyyCD/PFAyyCD or LADyyCD/CTYyyCD columns; found " + ", ".join(header[:8])
    )


def _load_lookup(con: duckdb.DuckDBPyConnection, path: Path, outcome: FileOutcome) -> None:
    raw, text = _read_text(path)
    sha = hashlib.sha256(raw).hexdigest()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    kind, version, roles = _classify(header)
    index = {name: i for i, name in enumerate(header)}
    outcome.dataset = f"geography ({kind} {version})"
    if _already_loaded(con, "geography", sha):
        outcome.status = "skipped"
        outcome.message = "already loaded (same content)"
        return

    def col(row: list[str], role: str) -> str | None:
        name = roles.get(role)
        if name is None:
            return None
        value = row[index[name]].strip()
        return value or None

    rows = [row for row in reader if row]
    bad = [n for n, row in enumerate(rows, start=2) if len(row) != len(header)]
    if bad:
        raise ValueError(f"line {bad[0]}: expected {len(header)} columns, found another number")
    file_id = _record_file(con, "geography", str(path), sha, len(raw), len(rows))
    outcome.file_id = file_id
    if kind == "lsoa":
        con.execute("DELETE FROM geo_lsoa WHERE version = ?", [version])
        con.execute(
            """
            INSERT INTO geo_lsoa (version, lsoa_code, lsoa_name, ward_code, ward_name,
                                  lad_code, lad_name)
            SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)
            """,
            [
                version,
                [col(r, "LSOACD") for r in rows],
                [col(r, "LSOANM") for r in rows],
                [col(r, "WDCD") for r in rows],
                [col(r, "WDNM") for r in rows],
                [col(r, "LADCD") for r in rows],
                [col(r, "LADNM") for r in rows],
            ],
        )
    else:
        con.execute("DROP TABLE IF EXISTS _geo_in")
        con.execute(
            "CREATE TEMP TABLE _geo_in (lad_code VARCHAR, lad_name VARCHAR, a_code VARCHAR, "
            "a_name VARCHAR, b_code VARCHAR, b_name VARCHAR)"
        )
        first, second = ("CSP", "PFA") if kind == "csp" else ("CTY", "CTY")
        con.execute(
            "INSERT INTO _geo_in SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
            "unnest(?)",
            [
                [col(r, "LADCD") for r in rows],
                [col(r, "LADNM") for r in rows],
                [col(r, first + "CD") for r in rows],
                [col(r, first + "NM") for r in rows],
                [col(r, second + "CD") for r in rows],
                [col(r, second + "NM") for r in rows],
            ],
        )
        con.execute(
            "INSERT INTO geo_lad (version, lad_code, lad_name) SELECT ?, lad_code, "
            "any_value(lad_name) FROM _geo_in WHERE lad_code NOT IN "
            "(SELECT lad_code FROM geo_lad WHERE version = ?) GROUP BY lad_code",
            [version, version],
        )
        if kind == "csp":
            # A district mapped to several CSPs cannot say which CSP its crimes belong to:
            # keep it once with no CSP, and list the candidates in geo_lad_split.
            con.execute("DELETE FROM geo_lad_split WHERE version = ?", [version])
            con.execute(
                """
                INSERT INTO geo_lad_split
                SELECT DISTINCT ?, lad_code, a_code, a_name FROM _geo_in WHERE lad_code IN (
                    SELECT lad_code FROM _geo_in GROUP BY lad_code
                    HAVING count(DISTINCT a_code) > 1)
                """,
                [version],
            )
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE _geo_in AS
                SELECT lad_code, any_value(lad_name) AS lad_name,
                       CASE WHEN count(DISTINCT a_code) = 1 THEN any_value(a_code) END AS a_code,
                       CASE WHEN count(DISTINCT a_code) = 1 THEN any_value(a_name) END AS a_name,
                       CASE WHEN count(DISTINCT b_code) = 1 THEN any_value(b_code) END AS b_code,
                       CASE WHEN count(DISTINCT b_code) = 1 THEN any_value(b_name) END AS b_name
                FROM _geo_in GROUP BY lad_code
                """
            )
            con.execute(
                "UPDATE geo_lad SET csp_code = NULL, csp_name = NULL, pfa_code = NULL, "
                "pfa_name = NULL WHERE version = ?",
                [version],
            )
            con.execute(
                """
                UPDATE geo_lad SET lad_name = i.lad_name, csp_code = i.a_code,
                    csp_name = i.a_name, pfa_code = i.b_code, pfa_name = i.b_name
                FROM _geo_in i WHERE geo_lad.version = ? AND geo_lad.lad_code = i.lad_code
                """,
                [version],
            )
        else:
            con.execute(
                "UPDATE geo_lad SET county_code = NULL, county_name = NULL WHERE version = ?",
                [version],
            )
            con.execute(
                """
                UPDATE geo_lad SET county_code = i.a_code, county_name = i.a_name
                FROM _geo_in i WHERE geo_lad.version = ? AND geo_lad.lad_code = i.lad_code
                """,
                [version],
            )
        con.execute("DROP TABLE _geo_in")
    outcome.rows_read = outcome.rows_loaded = len(rows)
    outcome.message = f"{kind} lookup, version {version}"
    if kind == "csp":
        split = con.execute(
            "SELECT string_agg(DISTINCT lad_code, ', ' ORDER BY lad_code) FROM geo_lad_split "
            "WHERE version = ?",
            [version],
        ).fetchone()
        if split and split[0]:
            outcome.message += (
                f"; districts mapped to several CSPs (no single CSP, see geo_lad_split): {split[0]}"
            )


def load_geography(con: duckdb.DuckDBPyConnection, paths: Iterable[Path | str]) -> LoadReport:
    """Load ONS lookup CSVs (plain or .gz), telling each kind and year from its header.

    Folders are searched for ``*.csv`` and ``*.csv.gz``. All files load in one transaction;
    a file that is not a recognised lookup is refused (reported, nothing written from it).
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.csv")) + sorted(path.rglob("*.csv.gz")))
        else:
            files.append(path)
    report = LoadReport()
    con.execute("BEGIN TRANSACTION")
    try:
        for path in files:
            outcome = FileOutcome(name=str(path), status="loaded")
            report.files.append(outcome)
            try:
                _load_lookup(con, path, outcome)
            except (ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
                outcome.status = "refused"
                outcome.message = str(exc)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def latest_geography_version(con: duckdb.DuckDBPyConnection, *, need: str = "csp") -> int | None:
    """The latest lookup year holding ``need`` ('lsoa', 'csp' or 'county'); None if none."""
    sql = {
        "lsoa": "SELECT max(version) FROM geo_lsoa",
        "csp": "SELECT max(version) FROM geo_lad WHERE csp_code IS NOT NULL",
        "county": "SELECT max(version) FROM geo_lad WHERE county_code IS NOT NULL",
    }[need]
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else None


_YEAR = re.compile(r"^\s*Mid-(\d{4})\s*$")


def load_population(con: duckdb.DuckDBPyConnection, paths: Iterable[Path | str]) -> LoadReport:
    """Load ONS MYE4-style population CSVs (Code, Name, Geography, Mid-YYYY...).

    Each file replaces the (area, year) figures it contains. Empty or non-numeric cells are
    quarantined with file, line and reason; a file without Code and Mid-YYYY columns is refused.
    """
    report = LoadReport()
    con.execute("BEGIN TRANSACTION")
    try:
        for raw_path in paths:
            path = Path(raw_path)
            outcome = FileOutcome(name=str(path), status="loaded", dataset="population")
            report.files.append(outcome)
            try:
                raw, text = _read_text(path)
            except (OSError, EOFError, UnicodeDecodeError) as exc:
                outcome.status, outcome.message = "refused", f"cannot read: {exc}"
                continue
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, [])
            years = {i: int(m[1]) for i, h in enumerate(header) if (m := _YEAR.match(h))}
            names = [h.strip() for h in header]
            if "Code" not in names or not years:
                outcome.status = "refused"
                outcome.message = "line 1: not an ONS mid-year estimates table: needs Code and "
                outcome.message += "Mid-YYYY columns; found " + ", ".join(names[:6])
                continue
            sha = hashlib.sha256(raw).hexdigest()
            if _already_loaded(con, "population", sha):
                outcome.status, outcome.message = "skipped", "already loaded (same content)"
                continue
            code_i, name_i = names.index("Code"), names.index("Name") if "Name" in names else -1
            codes: list[str] = []
            area_names: list[str | None] = []
            year_list: list[int] = []
            values: list[int] = []
            rejects: list[tuple[int, str, str]] = []
            rows_read = 0
            for line_no, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                rows_read += 1
                if len(row) != len(header) or not row[code_i].strip():
                    rejects.append(
                        (line_no, "bad row: wrong column count or no code", ",".join(row))
                    )
                    continue
                bad_cell = None
                parsed: list[tuple[int, int]] = []
                for i, year in years.items():
                    cell = row[i].strip().replace(",", "")
                    if not cell.isdigit():
                        bad_cell = f"bad population: {header[i].strip()} is {row[i]!r}"
                        break
                    parsed.append((year, int(cell)))
                if bad_cell:
                    rejects.append((line_no, bad_cell, ",".join(row)))
                    continue
                for year, value in parsed:
                    codes.append(row[code_i].strip())
                    area_names.append(row[name_i].strip() if name_i >= 0 else None)
                    year_list.append(year)
                    values.append(value)
            file_id = _record_file(con, "population", str(path), sha, len(raw), rows_read)
            con.execute(
                "DELETE FROM population WHERE (area_code, year) IN (SELECT (unnest(?), unnest(?)))",
                [codes, year_list],
            )
            con.execute(
                "INSERT INTO population SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
                [codes, area_names, year_list, values],
            )
            if rejects:
                con.execute(
                    "INSERT INTO quarantine SELECT ?, ?, unnest(?), unnest(?), unnest(?)",
                    [
                        file_id,
                        str(path),
                        [r[0] for r in rejects],
                        [r[1] for r in rejects],
                        [r[2] for r in rejects],
                    ],
                )
            loaded_rows = rows_read - len(rejects)
            con.execute(
                "UPDATE source_file SET rows_loaded = ?, rows_quarantined = ? WHERE file_id = ?",
                [loaded_rows, len(rejects), file_id],
            )
            outcome.file_id = file_id
            outcome.rows_read, outcome.rows_loaded = rows_read, loaded_rows
            outcome.rows_quarantined = len(rejects)
            outcome.reasons.update(r[1].split(":", 1)[0] for r in rejects)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def population_for(
    con: duckdb.DuckDBPyConnection, area_code: str, year: int
) -> PopulationFigure | None:
    """Population of ``area_code`` in ``year``, else the latest earlier estimate.

    The area may be any code in the population table (district, county, region...) or a CSP
    (E22/W22) or police force area (E23/W15) code, which is summed from its districts in the
    latest geography lookup. Returns None when there is no estimate for that year or before
    (or, for a CSP/PFA, when any of its districts has none).
    """
    row = con.execute(
        "SELECT year, population FROM population WHERE area_code = ? AND year <= ? "
        "ORDER BY year DESC LIMIT 1",
        [area_code, year],
    ).fetchone()
    if row is not None:
        return PopulationFigure(area_code, year, int(row[0]), int(row[1]))
    column = {"E22": "csp_code", "W22": "csp_code", "E23": "pfa_code", "W15": "pfa_code"}.get(
        area_code[:3]
    )
    version = latest_geography_version(con)
    if column is None or version is None:
        return None
    districts = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT lad_code FROM geo_lad WHERE version = ? AND {column} = ?",  # noqa: S608 - fixed column
            [version, area_code],
        ).fetchall()
    ]
    if not districts:
        return None
    rows = con.execute(
        """
        SELECT lad, max(year) FROM (SELECT unnest(?) AS lad) d
        LEFT JOIN population p ON p.area_code = d.lad AND p.year <= ?
        GROUP BY lad
        """,
        [districts, year],
    ).fetchall()
    if any(r[1] is None for r in rows):
        return None
    used = min(int(r[1]) for r in rows)
    total = con.execute(
        "SELECT sum(population) FROM population WHERE year = ? AND list_contains(?, area_code)",
        [used, districts],
    ).fetchone()
    if total is None or total[0] is None:
        return None
    return PopulationFigure(area_code, year, used, int(total[0]))
