"""The demo warehouse replaces its own out-of-date demo figures, never anyone's real data."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from saferhub.analytics import warehouse
from saferhub.performance.demo_warehouse import DEMO_FORCE, build_demo_warehouse


def _first_schema_warehouse(path: Path, *, demo: bool, force: str) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO warehouse_meta VALUES ('schema_version', '1')")
    if demo:
        con.execute("INSERT INTO warehouse_meta VALUES ('demo', 'old')")
    con.execute("CREATE TABLE source_file (dataset VARCHAR, force VARCHAR)")
    con.execute("INSERT INTO source_file VALUES ('street', ?)", [force])
    con.close()


def test_an_old_demo_warehouse_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _first_schema_warehouse(path, demo=True, force=DEMO_FORCE)
    report = build_demo_warehouse(path, tmp_path / "files")
    assert report.built and report.rows_loaded > 0
    con = warehouse.connect(path, read_only=True)
    assert con.execute("SELECT value FROM warehouse_meta WHERE key = 'schema_version'").fetchone()
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (
        con.execute("SELECT sum(n) FROM crime_count").fetchone()
    )


def test_an_old_warehouse_with_real_data_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _first_schema_warehouse(path, demo=True, force="leicestershire")
    before = path.read_bytes()
    with pytest.raises(warehouse.WarehouseError, match="load the files again"):
        build_demo_warehouse(path, tmp_path / "files")
    assert path.read_bytes() == before
