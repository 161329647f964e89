"""Helpers for the part-A ingest tests: warehouses, real-file subsets, table snapshots."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import duckdb

from saferhub.analytics import warehouse

POLICE_UK_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
TABLES = (
    "source_file",
    "street_crime",
    "outcome",
    "stop_search",
    "crime_count",
    "quarantine",
    "geo_lsoa",
    "geo_lad",
    "population",
    "partner_record",
)


def new_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse file at ``path``."""
    return warehouse.connect(path)


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every warehouse table, sorted, for exact before/after comparisons."""
    result = {}
    for table in TABLES:
        rows = con.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - fixed names
        result[table] = sorted(rows, key=repr)
    return result


def real_street_files(
    shared_data: Path, months: tuple[str, ...], forces: tuple[str, ...]
) -> list[Path]:
    """Real police.uk street files (gz) for the given months and forces, in a stable order."""
    files = []
    for month in months:
        for force in forces:
            path = shared_data / "police-uk" / month / f"{month}-{force}-street.csv.gz"
            if path.exists():
                files.append(path)
    return files


def read_rows(path: Path) -> list[dict[str, str]]:
    """A police.uk file's rows with the csv module (independent of DuckDB)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def street_line(
    month: str = "2020-01",
    crime_type: str = "Burglary",
    lsoa: str = "E01025511",
    lon: str = "-1.130000",
    lat: str = "52.630000",
    crime_id: str = "abc123",
    reported: str = "Leicestershire Police",
) -> str:
    """One police.uk street row as CSV text."""
    return (
        f"{crime_id},{month},{reported},{reported},{lon},{lat},On or near Test Street,"
        f"{lsoa},Leicester 001A,{crime_type},Under investigation,"
    )
