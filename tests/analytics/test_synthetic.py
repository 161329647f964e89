"""Synthetic police.uk data: reproducible, calibrated, and loadable through the normal ingest."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import new_warehouse, read_rows, snapshot

from saferhub.analytics import synthetic
from saferhub.analytics.geography import load_geography
from saferhub.analytics.ingest_police_uk import load_police_uk


def test_files_are_reproducible_calibrated_and_load_cleanly(tmp_path: Path) -> None:
    geography = synthetic.fictional_geography(["kent", "surrey"], lsoas_per_force=200)
    a = synthetic.write_street_files(
        tmp_path / "a", ["kent", "surrey"], ["2021-01"], 20_000, seed=7, geography=geography
    )
    b = synthetic.write_street_files(
        tmp_path / "b", ["kent", "surrey"], ["2021-01"], 20_000, seed=7, geography=geography
    )
    assert [p.read_bytes() for p in a] != [] and [p.name for p in a] == [p.name for p in b]
    assert [read_rows(p) for p in a] == [read_rows(p) for p in b]
    rows = read_rows(a[0])
    assert len(rows) == 20_000
    asb = sum(r["Crime type"] == "Anti-social behaviour" for r in rows) / len(rows)
    no_lsoa = sum(not r["LSOA code"] for r in rows) / len(rows)
    assert abs(asb - synthetic.CRIME_TYPE_MIX["Anti-social behaviour"]) < 0.015
    assert abs(no_lsoa - synthetic.MISSING_LOCATION_SHARE) < 0.01
    assert all(not r["Crime ID"] for r in rows if r["Crime type"] == "Anti-social behaviour")
    assert {r["LSOA code"] for r in rows if r["LSOA code"]} <= {c for c, _ in geography["kent"]}
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, a)
    assert report.ok and report.rows_loaded == 40_000 and report.rows_quarantined == 0


def test_populate_warehouse_matches_a_real_load(tmp_path: Path, shared_data: Path) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    lookups = shared_data / "lookups"
    load_geography(
        con,
        [
            lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
            lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv",
        ],
    )
    n = synthetic.populate_warehouse(
        con, ["west-mercia", "dyfed-powys"], ["2021-01", "2021-02"], 5_000, seed=3
    )
    assert n == 20_000
    assert con.execute("SELECT sum(n) FROM crime_count").fetchone() == (20_000,)
    # No files are kept: the counts are there, the row-level view is empty.
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (0,)
    # Every LSOA drawn for a force lies in that force's police force area.
    wrong = con.execute(
        """
        SELECT coalesce(sum(n), 0) FROM crime_count s JOIN geo_lsoa g USING (lsoa_code)
        JOIN geo_lad l ON l.lad_code = g.lad_code AND l.version = g.version
        WHERE (s.force = 'west-mercia' AND l.pfa_code <> 'E23000016')
           OR (s.force = 'dyfed-powys' AND l.pfa_code <> 'W15000004')
        """
    ).fetchone()
    assert wrong == (0,)
    # The same rows written as police.uk files and loaded give exactly the same counts.
    files = synthetic.write_street_files(
        tmp_path / "files",
        ["west-mercia", "dyfed-powys"],
        ["2021-01", "2021-02"],
        5_000,
        seed=3,
        con=con,
    )
    loaded = new_warehouse(tmp_path / "loaded.duckdb")
    assert load_police_uk(loaded, files).rows_loaded == 20_000
    count_sql = "SELECT * FROM crime_count ORDER BY ALL"
    assert loaded.execute(count_sql).fetchall() == con.execute(count_sql).fetchall()
    first = snapshot(con)
    synthetic.populate_warehouse(
        con, ["west-mercia", "dyfed-powys"], ["2021-01", "2021-02"], 5_000, seed=3
    )
    second = snapshot(con)
    assert second["crime_count"] == first["crime_count"]
    assert con.execute(
        "SELECT count(*) FROM source_file WHERE dataset = 'street' AND replaced_by IS NULL"
    ).fetchone() == (4,)
