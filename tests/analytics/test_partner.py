"""Partner data in the one documented CSV format: loaded, quarantined or refused, atomically."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import new_warehouse, snapshot

from saferhub.analytics.partner import load_partner

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "partner-example.csv"


def test_documented_example_loads_completely(tmp_path: Path) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_partner(con, [EXAMPLE])
    assert report.ok and report.rows_loaded == 11 and report.rows_quarantined == 0
    rows = con.execute(
        "SELECT dataset, strftime(month, '%Y-%m'), area_level, area_code, category, markers, n "
        "FROM partner_record WHERE dataset IN ('crime-markers', 'marac-referrals') ORDER BY ALL"
    ).fetchall()
    assert rows[0] == (
        "crime-markers",
        "2022-04",
        "district",
        "E07000234",
        "Public order",
        ["hate:race", "hate:religion"],
        6,
    )
    assert ("marac-referrals", "2022-05", "csp", "E22000368", "new", ["domestic-abuse"], 1) in rows
    levels = dict(
        con.execute("SELECT area_level, count(*) FROM partner_record GROUP BY 1").fetchall()
    )
    assert levels == {"lsoa": 2, "district": 4, "csp": 5}
    again = load_partner(con, [EXAMPLE])
    assert again.files[0].status == "skipped"


def test_bad_rows_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        b"dataset,month,date,area_code,category,markers,count\r\n"
        b"hate-incidents,2022-04,,E01032134,race,,\r\n"
        b"Hate Incidents,2022-04,,E01032134,race,,\r\n"
        b"hate-incidents,2022-13,,E01032134,race,,\r\n"
        b"hate-incidents,2022-04,2022-05-01,E01032134,race,,\r\n"
        b"hate-incidents,2022-04,,X123,race,,\r\n"
        b"hate-incidents,2022-04,,E01032134,race,,-2\r\n"
        b"hate-incidents,2022-04,,E01032134\r\n"
        b"hate-incidents,2022-04,,E01032134,caf\xe9,,\r\n"
        b"hate-incidents,,,E01032134,race,,\r\n"
    )
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_partner(con, [path])
    assert report.rows_loaded == 1 and report.rows_quarantined == 8
    found = con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
    assert [line for line, _ in found] == list(range(3, 11))
    assert [r.split(":")[0] for _, r in found] == [
        "bad dataset",
        "bad month",
        "bad month",
        "bad area code",
        "bad count",
        "wrong column count",
        "bad encoding",
        "bad month",
    ]


def test_foreign_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    good = tmp_path / "a.csv"
    good.write_text("dataset,month,area_code,count\nchannel-referrals,2022-04,E22000332,2\n")
    foreign = tmp_path / "b.csv"
    foreign.write_text("Crime ID,Month,Reported by\nx,2022-04,Kent Police\n")
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_partner(con, [good, foreign])
    assert [f.status for f in report.files] == ["loaded", "refused"]
    assert "not a SaferHub partner data file" in report.files[1].message


def test_a_corrected_month_replaces_the_earlier_file(tmp_path: Path) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    first = tmp_path / "first.csv"
    first.write_text("dataset,month,area_code,count\nchannel-referrals,2022-04,E22000332,2\n")
    second = tmp_path / "second.csv"
    second.write_text("dataset,month,area_code,count\nchannel-referrals,2022-04,E22000332,5\n")
    load_partner(con, [first])
    before = snapshot(con)
    load_partner(con, [second])
    assert con.execute("SELECT sum(n) FROM partner_record").fetchone() == (5,)
    assert snapshot(con) != before
    replaced = con.execute("SELECT name FROM source_file WHERE replaced_by IS NOT NULL").fetchall()
    assert replaced == [(str(first),)]
