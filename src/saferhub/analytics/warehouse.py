"""The warehouse: one DuckDB file holding police.uk, partner, geography and population data.

This module owns the schema (the contract between ingest and the scorecard) and how a
warehouse file is found and opened. Every load writes inside one transaction, so a load that
is interrupted (even by kill -9) leaves the file as it was before: DuckDB's write-ahead log
is replayed or discarded on the next open.

Tables
------
source_file      one row per file (or archive member) ever loaded; ``replaced_by`` is set when a
                 newer download of the same force, month and dataset supersedes it.
street_crime     police.uk street-level crime rows, as published, plus ``file_id``.
outcome          police.uk outcomes rows.
stop_search      police.uk stop-and-search rows.
crime_count      street_crime pre-aggregated by month, force, LSOA and crime type (LSOA NULL
                 when the row had none); maintained by ingest in the same transaction.
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

WAREHOUSE_ENV = "SAFERHUB_WAREHOUSE"

SCHEMA_VERSION = 1

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
    replaced_by BIGINT
);
CREATE TABLE IF NOT EXISTS street_crime (
    file_id BIGINT NOT NULL,
    month DATE NOT NULL,
    force VARCHAR NOT NULL,
    crime_id VARCHAR,
    reported_by VARCHAR,
    falls_within VARCHAR,
    longitude DOUBLE,
    latitude DOUBLE,
    location VARCHAR,
    lsoa_code VARCHAR,
    lsoa_name VARCHAR,
    crime_type VARCHAR NOT NULL,
    last_outcome VARCHAR,
    context VARCHAR
);
CREATE TABLE IF NOT EXISTS outcome (
    file_id BIGINT NOT NULL,
    month DATE NOT NULL,
    force VARCHAR NOT NULL,
    crime_id VARCHAR,
    reported_by VARCHAR,
    falls_within VARCHAR,
    longitude DOUBLE,
    latitude DOUBLE,
    location VARCHAR,
    lsoa_code VARCHAR,
    lsoa_name VARCHAR,
    outcome_type VARCHAR
);
CREATE TABLE IF NOT EXISTS stop_search (
    file_id BIGINT NOT NULL,
    month DATE NOT NULL,
    force VARCHAR NOT NULL,
    type VARCHAR,
    date TIMESTAMP,
    part_of_operation BOOLEAN,
    policing_operation VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    gender VARCHAR,
    age_range VARCHAR,
    self_defined_ethnicity VARCHAR,
    officer_defined_ethnicity VARCHAR,
    legislation VARCHAR,
    object_of_search VARCHAR,
    outcome VARCHAR,
    outcome_linked_to_object BOOLEAN,
    removal_of_more_than_outer_clothing BOOLEAN
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
    """Open (creating if need be) the warehouse at ``path`` with the current schema."""
    target = Path(path) if path is not None else default_warehouse_path()
    if read_only:
        return duckdb.connect(str(target), read_only=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    con.execute(SCHEMA)
    con.execute(
        "INSERT OR REPLACE INTO warehouse_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )
    return con
