"""Synthetic police.uk street-level crime, for scale tests and benchmarks (never for reports).

Calibrated on the real street files in ../shared/data/police-uk (12 forces, 2018-2022,
1,458,250 rows): the crime-type mix below, 3.9% of rows with no location and no LSOA, ASB rows
(23.9%) with no Crime ID, and a skewed spread of crime over LSOAs (per force, LSOA weights
drawn from a log-normal with sigma 0.8, which gives the real ratio of about 2.7 between the
90th and 50th percentile LSOA). Every value is a deterministic hash of (seed, force, month,
row), so the same arguments always give the same rows, whatever the thread count.

Two ways in:

* :func:`write_street_files` writes police.uk-format ``YYYY-MM/YYYY-MM-<force>-street.csv.gz``
  files (for ingest tests and the ingest benchmark);
* :func:`populate_warehouse` counts generated rows straight into a warehouse's
  ``crime_count`` and ``source_file`` (for the 60-million-row scorecard benchmark), keeping
  no files.

Geography: real forces take their LSOAs from the ONS lookups already loaded in the warehouse
(LSOA -> district -> police force area, matched to the force's PFA code); or the caller gives a
fictional geography as ``{force: [(lsoa_code, lsoa_name), ...]}``.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics import forces

__all__ = [
    "CRIME_TYPE_MIX",
    "MISSING_LOCATION_SHARE",
    "fictional_geography",
    "populate_warehouse",
    "write_street_files",
]

CRIME_TYPE_MIX: dict[str, float] = {
    "Anti-social behaviour": 0.2385,
    "Bicycle theft": 0.0100,
    "Burglary": 0.0523,
    "Criminal damage and arson": 0.0883,
    "Drugs": 0.0206,
    "Other crime": 0.0180,
    "Other theft": 0.0677,
    "Possession of weapons": 0.0071,
    "Public order": 0.0663,
    "Robbery": 0.0067,
    "Shoplifting": 0.0449,
    "Theft from the person": 0.0068,
    "Vehicle crime": 0.0541,
    "Violence and sexual offences": 0.3187,
}
MISSING_LOCATION_SHARE = 0.0386
LSOA_WEIGHT_SIGMA = 0.8
OUTCOMES: dict[str, float] = {
    "Unable to prosecute suspect": 0.38,
    "Investigation complete; no suspect identified": 0.34,
    "Status update unavailable": 0.09,
    "Court result unavailable": 0.05,
    "Local resolution": 0.03,
    "Under investigation": 0.03,
    "Further investigation is not in the public interest": 0.02,
    "Action to be taken by another organisation": 0.02,
    "Offender given a caution": 0.02,
    "Awaiting court outcome": 0.02,
}
_BUCKETS = 10_000
_POLICE_UK_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
# Rough centre of England and Wales for made-up map points.
_LON0, _LAT0 = -1.5, 52.5

Geography = Mapping[str, Sequence[tuple[str, str]]]


def fictional_geography(
    force_slugs: Sequence[str], lsoas_per_force: int = 800
) -> dict[str, list[tuple[str, str]]]:
    """Made-up LSOAs (codes E01900000 upwards, never real ones) for each force."""
    result: dict[str, list[tuple[str, str]]] = {}
    next_code = 900_000
    for slug in force_slugs:
        area = slug.replace("-", " ").title()
        items = []
        for i in range(lsoas_per_force):
            items.append((f"E01{next_code:06d}", f"{area} {i // 4 + 1:03d}{'ABCD'[i % 4]}"))
            next_code += 1
        result[slug] = items
    return result


def _geography_from_warehouse(
    con: duckdb.DuckDBPyConnection, force_slugs: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = {}
    for slug in force_slugs:
        pfa = forces.pfa_code_for_slug(slug)
        rows = con.execute(
            """
            SELECT g.lsoa_code, g.lsoa_name FROM geo_lsoa g
            JOIN geo_lad l ON l.lad_code = g.lad_code
            WHERE g.version = (SELECT max(version) FROM geo_lsoa)
              AND l.version = (SELECT max(version) FROM geo_lad WHERE pfa_code IS NOT NULL)
              AND l.pfa_code = ?
            ORDER BY g.lsoa_code
            """,
            [pfa],
        ).fetchall()
        if not rows:
            raise ValueError(
                f"no LSOAs for {slug} (PFA {pfa}) in the warehouse: load the ONS lookups "
                "first (saferhub ingest geography), or pass a fictional geography"
            )
        result[slug] = [(str(code), str(name)) for code, name in rows]
    return result


def _stage_tables(con: duckdb.DuckDBPyConnection, geography: Geography, seed: int) -> None:
    """Bucket tables turning a uniform draw into an LSOA, a crime type and an outcome."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    lsoa_rows: tuple[list[str], list[int], list[str], list[str]] = ([], [], [], [])
    for slug, lsoas in geography.items():
        weights = [rng.lognormvariate(0.0, LSOA_WEIGHT_SIGMA) for _ in lsoas]
        total = sum(weights)
        bucket = 0
        cumulative = 0.0
        for (code, name), weight in zip(lsoas, weights, strict=True):
            cumulative += weight / total
            upto = min(_BUCKETS, math.ceil(cumulative * _BUCKETS))
            while bucket < upto:
                lsoa_rows[0].append(slug)
                lsoa_rows[1].append(bucket)
                lsoa_rows[2].append(code)
                lsoa_rows[3].append(name)
                bucket += 1
        while bucket < _BUCKETS:  # rounding: give the rest to the last LSOA
            lsoa_rows[0].append(slug)
            lsoa_rows[1].append(bucket)
            lsoa_rows[2].append(lsoas[-1][0])
            lsoa_rows[3].append(lsoas[-1][1])
            bucket += 1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _syn_lsoa AS SELECT unnest(?) AS force, "
        "unnest(?) AS bucket, unnest(?) AS lsoa_code, unnest(?) AS lsoa_name",
        list(lsoa_rows),
    )

    def buckets(mix: Mapping[str, float]) -> tuple[list[int], list[str]]:
        total = sum(mix.values())
        ids: list[int] = []
        names: list[str] = []
        cumulative = 0.0
        bucket = 0
        items = list(mix.items())
        for index, (name, share) in enumerate(items):
            cumulative += share / total
            upto = _BUCKETS if index == len(items) - 1 else round(cumulative * _BUCKETS)
            while bucket < upto:
                ids.append(bucket)
                names.append(name)
                bucket += 1
        return ids, names

    for table, mix in (("_syn_type", CRIME_TYPE_MIX), ("_syn_outcome", OUTCOMES)):
        ids, names = buckets(mix)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "  # fixed table names
            "SELECT unnest(?) AS bucket, unnest(?) AS name",
            [ids, names],
        )


def _rows_sql(with_crime_ids: bool) -> str:
    """Rows in police.uk columns (plus _file_id, _force) for every job in ``_syn_jobs``."""
    crime_id = (
        "md5(concat($seed, j.force, j.month, i, 'a')) || md5(concat($seed, j.force, j.month, i, 'b'))"
        if with_crime_ids
        else "concat('syn-', $seed, '-', j.force, '-', j.month, '-', i)"
    )
    missing = f"u_missing < {MISSING_LOCATION_SHARE}"
    return f"""
        WITH draws AS (
            SELECT j.*, i,
                   hash($seed, j.force, j.month, i, 1) % {_BUCKETS} AS b_lsoa,
                   hash($seed, j.force, j.month, i, 2) % {_BUCKETS} AS b_type,
                   hash($seed, j.force, j.month, i, 3) % {_BUCKETS} AS b_outcome,
                   (hash($seed, j.force, j.month, i, 4) % 1000000) / 1e6 AS u_missing,
                   (hash($seed, j.force, j.month, i, 5) % 1000000) / 1e6 AS u_x,
                   (hash($seed, j.force, j.month, i, 6) % 1000000) / 1e6 AS u_y
            FROM (SELECT *, unnest(range(n)) AS i FROM _syn_jobs) j
        )
        SELECT
            j.file_id AS _file_id,
            j.i AS _i,
            j.force AS _force,
            CASE WHEN t.name = 'Anti-social behaviour' THEN NULL ELSE {crime_id} END
                AS "Crime ID",
            j.month AS "Month",
            j.reported AS "Reported by",
            j.reported AS "Falls within",
            CASE WHEN {missing} THEN NULL
                 ELSE round({_LON0} + (hash(l.lsoa_code) % 1000) / 400.0 + u_x / 100, 6) END
                AS "Longitude",
            CASE WHEN {missing} THEN NULL
                 ELSE round({_LAT0} + (hash(l.lsoa_code, 'y') % 1000) / 600.0 + u_y / 100, 6) END
                AS "Latitude",
            CASE WHEN {missing} THEN 'No location'
                 ELSE 'On or near Synthetic Street ' || (hash(l.lsoa_code, i) % 50) END
                AS "Location",
            CASE WHEN {missing} THEN NULL ELSE l.lsoa_code END AS "LSOA code",
            CASE WHEN {missing} THEN NULL ELSE l.lsoa_name END AS "LSOA name",
            t.name AS "Crime type",
            CASE WHEN t.name = 'Anti-social behaviour' THEN NULL ELSE o.name END
                AS "Last outcome category",
            CAST(NULL AS VARCHAR) AS "Context"
        FROM draws j
        JOIN _syn_lsoa l ON l.force = j.force AND l.bucket = j.b_lsoa
        JOIN _syn_type t ON t.bucket = j.b_type
        JOIN _syn_outcome o ON o.bucket = j.b_outcome
    """  # noqa: S608 - fixed SQL text, values bound


def _jobs(con: duckdb.DuckDBPyConnection, jobs: Sequence[tuple[str, str, int, int]]) -> None:
    """The force-months to generate: (force, YYYY-MM, rows, file_id)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _syn_jobs AS SELECT unnest(?) AS force, "
        "unnest(?) AS month, unnest(?) AS n, unnest(?) AS file_id, unnest(?) AS reported",
        [
            [j[0] for j in jobs],
            [j[1] for j in jobs],
            [j[2] for j in jobs],
            [j[3] for j in jobs],
            [_reported_by(j[0]) for j in jobs],
        ],
    )


def _reported_by(slug: str) -> str:
    return forces.force_by_slug(slug).name if forces.is_known_force(slug) else slug.title()


def write_street_files(
    out_dir: Path,
    force_slugs: Sequence[str],
    months: Sequence[str],
    rows_per_file: int,
    *,
    seed: int = 0,
    geography: Geography | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[Path]:
    """Write ``out_dir/YYYY-MM/YYYY-MM-<force>-street.csv.gz`` files in police.uk's format.

    ``months`` are YYYY-MM strings. The LSOAs come from ``geography`` if given, else from the
    ONS lookups in the warehouse ``con`` (real forces only). Returns the files written.
    """
    own = con is None
    work = duckdb.connect() if con is None else con
    try:
        if geography is None:
            if own:
                raise ValueError("give a geography, or a warehouse connection with ONS lookups")
            geography = _geography_from_warehouse(work, force_slugs)
        _stage_tables(work, geography, seed)
        written: list[Path] = []
        for month in months:
            folder = out_dir / month
            folder.mkdir(parents=True, exist_ok=True)
            for slug in force_slugs:
                target = folder / f"{month}-{slug}-street.csv.gz"
                _jobs(work, [(slug, month, rows_per_file, 0)])
                columns = ", ".join(f'"{c}"' for c in _POLICE_UK_COLUMNS)
                work.execute(
                    f"COPY (SELECT {columns} FROM ({_rows_sql(True)}) ORDER BY _i) "  # noqa: S608
                    f"TO '{_sql_path(target)}' (FORMAT csv, HEADER true, COMPRESSION gzip)",
                    {"seed": seed},
                )
                written.append(target)
        return written
    finally:
        if own:
            work.close()


def _sql_path(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise ValueError(f"unsupported path (contains a quote): {text}")
    return text


def populate_warehouse(
    con: duckdb.DuckDBPyConnection,
    force_slugs: Sequence[str],
    months: Sequence[str],
    rows_per_force_month: int,
    seed: int = 0,
    *,
    geography: Geography | None = None,
    with_crime_ids: bool = False,
) -> int:
    """Count synthetic street crime straight into the warehouse; returns rows generated.

    For each force in ``force_slugs`` and each month in ``months`` (YYYY-MM strings), generates
    ``rows_per_force_month`` rows and adds their ``crime_count`` rows and one ``source_file``
    row named ``synthetic:<force>:<month>:seed=<seed>`` (dataset 'street', no stored file, so
    the rows are not in the ``street_crime`` view), all in one transaction, with the same
    counts a load of the same rows as files would give (a force-month already present is
    replaced). Load the real ONS geography first with
    :func:`saferhub.analytics.geography.load_geography` (LSOAs are drawn from each force's
    police force area), or pass ``geography`` for a fictional one. ``with_crime_ids=False``
    (the default) writes short synthetic ids instead of 64-character hashes, which is faster
    and makes no difference to any count.

    Example (60 million rows for the scorecard benchmark)::

        con = warehouse.connect(path)
        load_geography(con, [lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
                             lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv"])
        months = [f"{y}-{m:02d}" for y in (2020, 2021, 2022) for m in range(1, 13)]
        slugs = [f.slug for f in forces.territorial_forces()]
        populate_warehouse(con, slugs, months, 60_000_000 // (len(slugs) * len(months)), seed=1)
    """
    if geography is None:
        geography = _geography_from_warehouse(con, force_slugs)
    total = 0
    con.execute("BEGIN TRANSACTION")
    try:
        _stage_tables(con, geography, seed)
        jobs: list[tuple[str, str, int, int]] = []
        for slug in force_slugs:
            for month in months:
                month_date = date.fromisoformat(month + "-01")
                name = f"synthetic:{slug}:{month}:seed={seed}"
                sha = hashlib.sha256(f"{name}:{rows_per_force_month}".encode()).hexdigest()
                old = [
                    r[0]
                    for r in con.execute(
                        "SELECT file_id FROM source_file WHERE dataset = 'street' AND force = ? "
                        "AND month = ? AND replaced_by IS NULL",
                        [slug, month_date],
                    ).fetchall()
                ]
                row = con.execute("SELECT nextval('source_file_seq')").fetchone()
                if row is None:  # pragma: no cover
                    raise RuntimeError("source_file_seq gave no value")
                file_id = int(row[0])
                if old:
                    con.execute(
                        "DELETE FROM crime_count WHERE force = ? AND month = ?", [slug, month_date]
                    )
                    con.execute(
                        "UPDATE source_file SET replaced_by = ? WHERE list_contains(?, file_id)",
                        [file_id, old],
                    )
                con.execute(
                    """
                    INSERT INTO source_file VALUES (?, 'street', ?, ?, ?, ?, 0, ?, ?, 0,
                                                    now()::TIMESTAMP, NULL, NULL, NULL)
                    """,
                    [
                        file_id,
                        slug,
                        month_date,
                        name,
                        sha,
                        rows_per_force_month,
                        rows_per_force_month,
                    ],
                )
                jobs.append((slug, month, rows_per_force_month, file_id))
        _jobs(con, jobs)
        con.execute(
            f"""
            INSERT INTO crime_count
            SELECT CAST("Month" || '-01' AS DATE), _force, "LSOA code", "Crime type", count(*)
            FROM ({_rows_sql(with_crime_ids)})
            GROUP BY ALL
            """,  # noqa: S608 - fixed SQL text, values bound
            {"seed": seed},
        )
        total = len(jobs) * rows_per_force_month
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total
