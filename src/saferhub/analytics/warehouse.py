"""The warehouse: one DuckDB file holding police.uk, partner, geography and population data.

This module owns the schema (the contract between ingest and the scorecard) and how a
warehouse file is found and opened. Every load writes inside one transaction, so a load that
is interrupted (even by kill -9) leaves the file as it was before: DuckDB's write-ahead log
is replayed or discarded on the next open.

police.uk files are kept exactly as given (gzip stays gzip) in the warehouse's *file store*,
a folder beside the warehouse file (``warehouse.duckdb`` -> ``warehouse.duckdb.files/``), named
by their sha256 (docs/adr/0010-police-uk-file-store.md). The file store is the row-level
record; ``crime_count`` is what the scorecard reads. A stored file is only part of the
warehouse once a committed ``source_file`` row names it, so a file copied by a load that was
then killed is ignored (and removed by the next load).

Tables and views
----------------
source_file      one row per file (or archive member) ever loaded; ``replaced_by`` is set when a
                 newer download of the same force, month and dataset supersedes it;
                 ``stored_as`` is its path in the file store, ``header`` its column order.
street_crime     (view) police.uk street-level crime rows that passed the checks, read from the
                 current stored files, plus ``file_id``, ``month`` and ``force``.
outcome          (view) police.uk outcomes rows, likewise.
stop_search      (view) police.uk stop-and-search rows, likewise.
crime_count      street crime counted by month, force, LSOA and crime type (LSOA NULL when the
                 row had none); written by ingest in the same scan and transaction.
quarantine       every rejected input row: file, line number (1-based, header = line 1), reason.
geo_lsoa         ONS LSOA (2011) -> ward -> local authority district, per lookup ``version`` (year).
geo_lad          ONS district -> CSP -> police force area, and district -> county, per ``version``;
                 one row per (version, district).
geo_lad_split    districts an ONS lookup maps to several CSPs (their geo_lad csp_code is NULL).
population       ONS mid-year population estimates by area code and year.
partner_record   partner data (see docs/partner-data.md): one row per record or a count.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import platformdirs

from saferhub.analytics.police_uk_formats import (
    DATASETS,
    csv_reader_sql,
    every_field_sql,
    quote_name,
)

WAREHOUSE_ENV = "SAFERHUB_WAREHOUSE"

SCHEMA_VERSION = 2
"""2: police.uk rows live in the file store, read through views (1: in tables)."""

FILE_STORE_SUFFIX = ".files"


class WarehouseError(Exception):
    """The warehouse file cannot be used as it is (e.g. made by an older SaferHub)."""


SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS source_file_seq START 1;
CREATE TABLE IF NOT EXISTS source_file (
    file_id BIGINT PRIMARY KEY,
    dataset VARCHAR NOT NULL,          -- street | outcomes | stop-and-search | partner | geography | population
    force VARCHAR,                     -- police.uk force slug, e.g. 'leicestershire'
    month DATE,                        -- first day of the month the file covers
    name VARCHAR NOT NULL,             -- file name as given (archive members: 'archive.zip!member')
    sha256 VARCHAR NOT NULL,           -- of the file as given (.gz: compressed), as sha256sum
    bytes BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    replaced_by BIGINT,
    stored_as VARCHAR,                 -- police.uk: path in the file store (NULL: not kept)
    header VARCHAR[]                   -- police.uk: the file's columns, in its order
);
CREATE TABLE IF NOT EXISTS crime_count (
    month DATE NOT NULL,
    force VARCHAR NOT NULL,
    lsoa_code VARCHAR,
    crime_type VARCHAR NOT NULL,
    n BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
    file_id BIGINT,
    file_name VARCHAR NOT NULL,
    line BIGINT,
    reason VARCHAR NOT NULL,
    raw VARCHAR
);
CREATE TABLE IF NOT EXISTS geo_lsoa (
    version INTEGER NOT NULL,
    lsoa_code VARCHAR NOT NULL,
    lsoa_name VARCHAR,
    ward_code VARCHAR,
    ward_name VARCHAR,
    lad_code VARCHAR NOT NULL,
    lad_name VARCHAR
);
CREATE TABLE IF NOT EXISTS geo_lad (
    version INTEGER NOT NULL,
    lad_code VARCHAR NOT NULL,
    lad_name VARCHAR,
    csp_code VARCHAR,
    csp_name VARCHAR,
    pfa_code VARCHAR,
    pfa_name VARCHAR,
    county_code VARCHAR,
    county_name VARCHAR
);
CREATE TABLE IF NOT EXISTS geo_lad_split (
    -- districts the ONS lookup maps to several CSPs (e.g. 2019: Bournemouth, Christchurch and
    -- Poole; East Suffolk): geo_lad keeps one row per district with csp_code NULL, and the
    -- candidate CSPs are listed here.
    version INTEGER NOT NULL,
    lad_code VARCHAR NOT NULL,
    csp_code VARCHAR NOT NULL,
    csp_name VARCHAR
);
CREATE TABLE IF NOT EXISTS population (
    area_code VARCHAR NOT NULL,
    area_name VARCHAR,
    year INTEGER NOT NULL,
    population BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS partner_record (
    file_id BIGINT NOT NULL,
    dataset VARCHAR NOT NULL,
    month DATE NOT NULL,
    date DATE,
    area_level VARCHAR NOT NULL,       -- lsoa | district | csp
    area_code VARCHAR NOT NULL,
    category VARCHAR,
    markers VARCHAR[],
    n BIGINT NOT NULL                  -- 1 for a record row, the count for a count row
);
CREATE TABLE IF NOT EXISTS warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


def default_warehouse_path() -> Path:
    """The warehouse file: $SAFERHUB_WAREHOUSE, else a file in the user's data directory."""
    configured = os.environ.get(WAREHOUSE_ENV)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("saferhub")) / "warehouse.duckdb"


def connect(
    path: Path | str | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating if need be) the warehouse at ``path`` with the current schema.

    Raises :class:`WarehouseError` for a warehouse made by an older SaferHub."""
    target = Path(path) if path is not None else default_warehouse_path()
    if read_only:
        con = duckdb.connect(str(target), read_only=True)
        _check_version(con, target)
        return con
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        _check_version(con, target)
        con.execute(SCHEMA)
        con.execute(
            "INSERT OR REPLACE INTO warehouse_meta VALUES ('schema_version', ?)",
            [str(SCHEMA_VERSION)],
        )
        store = str(file_store(con))
        row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'file_store'").fetchone()
        if row is None or row[0] != store:  # new, or the warehouse and its files were moved
            con.execute("BEGIN TRANSACTION")
            refresh_views(con)
            con.execute("COMMIT")
    except BaseException:
        con.close()
        raise
    return con


def _check_version(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'warehouse_meta' "
        "AND database_name = current_database()"
    ).fetchone()
    if not row or not row[0]:
        return
    version = con.execute(
        "SELECT value FROM warehouse_meta WHERE key = 'schema_version'"
    ).fetchone()
    if version is not None and int(version[0]) < SCHEMA_VERSION:
        raise WarehouseError(
            f"{target}: this warehouse was made by an earlier SaferHub (schema {version[0]}, "
            f"now {SCHEMA_VERSION}) that kept police.uk rows in tables; move it aside and load "
            "the files again into a new warehouse"
        )


def file_store(con: duckdb.DuckDBPyConnection) -> Path:
    """The folder beside the warehouse file where its police.uk files are kept as given."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if row is None or not row[0]:
        raise WarehouseError("police.uk files can only be loaded into a warehouse file")
    db = Path(str(row[0])).resolve()
    return db.with_name(db.name + FILE_STORE_SUFFIX)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def refresh_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create the street_crime, outcome and stop_search views over the stored files.

    Each view reads the current (not replaced) files of its dataset, one ``read_csv`` per
    distinct header order, and keeps the rows that pass the same checks as ingest (rows the
    CSV reader refuses are skipped), so each file contributes exactly its ``rows_loaded``.
    Returns the stored files that are missing (a warehouse copied without its file store):
    the views leave them out, and the counts are unaffected. Run inside the caller's
    transaction."""
    store = file_store(con)
    missing: list[str] = []
    for dataset, fmt in DATASETS.items():
        files = con.execute(
            """
            SELECT file_id, month, strftime(month, '%Y-%m'), force, stored_as, header
            FROM source_file
            WHERE dataset = ? AND replaced_by IS NULL AND stored_as IS NOT NULL
            ORDER BY file_id
            """,
            [dataset],
        ).fetchall()
        by_header: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
        for row in files:
            if (store / str(row[4])).is_file():
                by_header.setdefault(tuple(row[5]), []).append(row)
            else:
                missing.append(str(row[4]))
        parts = []
        for header, rows in by_header.items():
            paths = ", ".join(_sql_text(str(store / str(r[4]))) for r in rows)
            values = ", ".join(
                f"({_sql_text(str(store / str(r[4])))}, {int(str(r[0]))}, "
                f"DATE {_sql_text(str(r[1]))}, {_sql_text(str(r[2]))}, {_sql_text(str(r[3]))})"
                for r in rows
            )
            columns = "{" + ", ".join(f"{_sql_text(c)}: 'VARCHAR'" for c in header) + "}"
            # Each file read in order by one thread (files still in parallel): DuckDB's
            # parallel reader, skipping errors, can lose the good row after a quote left open,
            # which the load counted. Gzip files are read by one thread each anyway.
            reader = csv_reader_sql(f"[{paths}]", columns, ignore_errors=True, parallel=False)
            # Read every column, whichever a query selects, so the reader skips a row with
            # bytes that are not UTF-8 in any field, as the load did.
            every_column = every_field_sql(header)
            # A view cannot take bound parameters: every value is a quoted literal (_sql_text).
            parts.append(
                f"SELECT _file_id AS file_id, _file_month AS month, _force AS force, "  # noqa: S608
                f"{fmt.select_sql} FROM (SELECT r.*, f.* EXCLUDE (_path) "
                f"FROM {reader} r JOIN (VALUES {values}) "
                f"f(_path, _file_id, _file_month, _file_month_text, _force) "
                f"ON r.filename = f._path) WHERE ({fmt.reason_sql}) IS NULL "
                f"AND ({every_column} IS NULL OR {every_column} IS NOT NULL)"
            )
        if not parts:
            empty = ", ".join(f"NULL::VARCHAR AS {quote_name(c)}" for c in fmt.columns)
            parts.append(
                f"SELECT _file_id AS file_id, _file_month AS month, _force AS force, "  # noqa: S608
                f"{fmt.select_sql} FROM (SELECT {empty}, NULL::BIGINT AS _file_id, "
                "NULL::DATE AS _file_month, NULL::VARCHAR AS _file_month_text, "
                "NULL::VARCHAR AS _force) WHERE false"
            )
        con.execute(f"CREATE OR REPLACE VIEW {fmt.table} AS {' UNION ALL '.join(parts)}")
    con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES ('file_store', ?)", [str(store)])
    return missing
