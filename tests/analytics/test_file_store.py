"""The warehouse's file store: police.uk files kept as given, row-level views over them that
agree with the load's accounting, moves, replaced downloads and old warehouses (ADR 0010)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import POLICE_UK_HEADER, new_warehouse, real_street_files, street_line

from saferhub.analytics import warehouse
from saferhub.analytics.ingest_police_uk import load_police_uk

NAME = "2020-01-leicestershire-street.csv.gz"


def _mixed_file(path: Path) -> Path:
    """Good rows and every kind of bad row, gzipped as police.uk publishes them."""
    lines = [
        POLICE_UK_HEADER,
        street_line(crime_id="a1"),
        street_line(crime_id="a2", month="2020-13"),  # bad month
        street_line(crime_id="a3", lon="abc"),  # bad coordinates
        street_line(crime_id="a4", crime_type="Anti-social behaviour", lsoa="", lon="", lat=""),
        street_line(crime_id="a5") + ",extra",  # wrong column count
        street_line(crime_id="a6", lsoa="S01000001"),  # unknown LSOA format
        street_line(crime_id="a7", crime_type="Robbery"),
    ]
    data = ("\n".join(lines) + "\n").encode()
    bad_encoding = street_line(crime_id="a8").replace("Test Street", "Caf\xe9").encode("latin-1")
    path.write_bytes(gzip.compress(data + bad_encoding + b"\n"))
    return path


def test_the_file_is_kept_as_given_and_the_view_holds_exactly_the_loaded_rows(
    tmp_path: Path,
) -> None:
    source = _mixed_file(tmp_path / NAME)
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, [source])
    assert report.rows_loaded == 3 and report.rows_quarantined == 5

    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    stored = tmp_path / "w.duckdb.files" / "street" / f"{sha}.csv.gz"
    assert stored.read_bytes() == source.read_bytes()
    assert con.execute("SELECT sha256, stored_as FROM source_file").fetchall() == [
        (sha, f"street/{sha}.csv.gz")
    ]
    assert sorted(con.execute("SELECT crime_id, crime_type FROM street_crime").fetchall()) == [
        ("a1", "Burglary"),
        ("a4", "Anti-social behaviour"),
        ("a7", "Robbery"),
    ]
    # The view and the counts agree with each other and with the report.
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (3,)
    assert con.execute("SELECT sum(n) FROM crime_count").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (5,)


def test_views_agree_with_crime_count_on_real_files(tmp_path: Path, shared_data: Path) -> None:
    files = real_street_files(shared_data, ("2020-06", "2020-07"), ("lancashire", "dyfed-powys"))
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, files)
    assert report.ok and report.rows_loaded > 10_000
    from_view = con.execute(
        "SELECT month, force, lsoa_code, crime_type, count(*) FROM street_crime "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert from_view == con.execute("SELECT * FROM crime_count ORDER BY ALL").fetchall()


def test_a_moved_warehouse_follows_its_files_and_one_copied_alone_keeps_its_counts(
    tmp_path: Path,
) -> None:
    con = new_warehouse(tmp_path / "a" / "w.duckdb")
    load_police_uk(con, [_mixed_file(tmp_path / NAME)])
    con.close()

    shutil.move(tmp_path / "a", tmp_path / "b")
    moved = warehouse.connect(tmp_path / "b" / "w.duckdb")
    assert moved.execute("SELECT count(*) FROM street_crime").fetchone() == (3,)
    assert warehouse.file_store(moved) == (tmp_path / "b" / "w.duckdb.files").resolve()
    moved.close()

    (tmp_path / "c").mkdir()
    shutil.copy(tmp_path / "b" / "w.duckdb", tmp_path / "c" / "w.duckdb")
    alone = warehouse.connect(tmp_path / "c" / "w.duckdb")
    assert alone.execute("SELECT sum(n) FROM crime_count").fetchone() == (3,)
    assert alone.execute("SELECT count(*) FROM street_crime").fetchone() == (0,)


def test_a_newer_download_replaces_the_stored_file(tmp_path: Path) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    older = tmp_path / "old" / NAME
    older.parent.mkdir()
    older.write_bytes(gzip.compress(f"{POLICE_UK_HEADER}\n{street_line()}\n".encode()))
    newer = tmp_path / "new" / NAME
    newer.parent.mkdir()
    newer.write_bytes(
        gzip.compress(f"{POLICE_UK_HEADER}\n{street_line()}\n{street_line()}\n".encode())
    )
    load_police_uk(con, [older])
    report = load_police_uk(con, [newer])
    assert report.count("replaced") == 1
    store = tmp_path / "w.duckdb.files" / "street"
    assert [p.name for p in store.iterdir()] == [
        hashlib.sha256(newer.read_bytes()).hexdigest() + ".csv.gz"
    ]
    # The older file's checksum stays on record.
    assert con.execute("SELECT count(*) FROM source_file WHERE replaced_by IS NOT NULL").fetchone()
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (2,)


def test_a_warehouse_from_the_first_schema_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    old.execute("INSERT INTO warehouse_meta VALUES ('schema_version', '1')")
    old.close()
    with pytest.raises(warehouse.WarehouseError, match=r"earlier SaferHub \(schema 1"):
        warehouse.connect(path)
    with pytest.raises(warehouse.WarehouseError, match="load the files again"):
        warehouse.connect(path, read_only=True)
