"""police.uk ingest on real files: every row loaded, idempotent, newer downloads replace older."""

from __future__ import annotations

import gzip
import hashlib
import random
import sys
import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import (
    POLICE_UK_HEADER,
    new_warehouse,
    read_rows,
    real_street_files,
    snapshot,
    street_line,
)

from saferhub.analytics.ingest_police_uk import _gzip_head, load_police_uk

MONTHS = ("2020-01", "2020-02")
FORCES = ("leicestershire", "lancashire")


@pytest.fixture
def real_files(shared_data: Path) -> list[Path]:
    files = real_street_files(shared_data, MONTHS, FORCES)
    assert len(files) == 4
    return files


def test_real_files_load_every_row_as_published(tmp_path: Path, real_files: list[Path]) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, real_files)
    assert report.ok and report.count("loaded") == 4
    expected = [row for path in real_files for row in read_rows(path)]
    assert report.rows_read == report.rows_loaded == len(expected)
    assert report.rows_quarantined == 0
    # Row by row: the multiset of (crime id, month, type, LSOA, longitude) matches csv module.
    ours = Counter(
        con.execute(
            "SELECT coalesce(crime_id, ''), strftime(month, '%Y-%m'), crime_type, "
            "coalesce(lsoa_code, ''), coalesce(CAST(longitude AS VARCHAR), '') FROM street_crime"
        ).fetchall()
    )
    theirs = Counter(
        (
            r["Crime ID"],
            r["Month"],
            r["Crime type"],
            r["LSOA code"],
            str(float(r["Longitude"])) if r["Longitude"] else "",
        )
        for r in expected
    )
    assert ours == theirs
    # Quirks kept: ASB rows without a Crime ID, rows without location or LSOA.
    asb_no_id = con.execute(
        "SELECT count(*) FROM street_crime WHERE crime_type = 'Anti-social behaviour' "
        "AND crime_id IS NULL"
    ).fetchone()
    assert asb_no_id is not None and asb_no_id[0] == sum(
        1 for r in expected if r["Crime type"] == "Anti-social behaviour"
    )
    no_lsoa = con.execute("SELECT count(*) FROM street_crime WHERE lsoa_code IS NULL").fetchone()
    assert no_lsoa is not None and no_lsoa[0] == sum(1 for r in expected if not r["LSOA code"])
    assert 0.01 < no_lsoa[0] / len(expected) < 0.1
    # crime_count agrees with street_crime exactly.
    diff = con.execute(
        """
        SELECT count(*) FROM (
            SELECT month, force, lsoa_code, crime_type, count(*) AS n FROM street_crime GROUP BY ALL
            EXCEPT SELECT month, force, lsoa_code, crime_type, n FROM crime_count)
        """
    ).fetchone()
    assert diff == (0,)
    files = con.execute(
        "SELECT name, force, strftime(month, '%Y-%m'), rows_read, rows_loaded FROM source_file "
        "ORDER BY file_id"
    ).fetchall()
    assert [(f[1], f[2]) for f in files] == [
        (p.name.split("-", 2)[2].rsplit("-street", 1)[0], p.name[:7]) for p in real_files
    ]


def test_loading_the_same_files_again_changes_nothing(
    tmp_path: Path, real_files: list[Path]
) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    load_police_uk(con, real_files[:2])
    before = snapshot(con)
    report = load_police_uk(con, real_files[:2])
    assert report.count("skipped") == 2 and report.rows_loaded == 0
    assert "already loaded" in report.files[0].message
    assert snapshot(con) == before


def test_checksum_is_of_the_file_as_given(tmp_path: Path, real_files: list[Path]) -> None:
    """source_file.sha256 is what `sha256sum` prints for the file the user has (a .gz file's
    compressed bytes), so a decompressed copy is another file: it replaces the .gz download
    with the same rows, and each is recognised when given again."""
    con = new_warehouse(tmp_path / "w.duckdb")
    load_police_uk(con, real_files[:1])
    given = real_files[0].read_bytes()
    assert con.execute("SELECT sha256, bytes FROM source_file").fetchall() == [
        (hashlib.sha256(given).hexdigest(), len(given))
    ]
    before = snapshot(con)
    plain = tmp_path / real_files[0].name.removesuffix(".gz")
    plain.write_bytes(gzip.decompress(given))
    report = load_police_uk(con, [plain])
    assert [f.status for f in report.files] == ["replaced"]
    assert report.rows_loaded == len(before["street_crime"])
    after = snapshot(con)
    assert after["crime_count"] == before["crime_count"]
    assert Counter(r[1:] for r in after["street_crime"]) == Counter(
        r[1:] for r in before["street_crime"]
    )
    assert con.execute("SELECT sha256 FROM source_file WHERE replaced_by IS NULL").fetchall() == [
        (hashlib.sha256(plain.read_bytes()).hexdigest(),)
    ]
    again = load_police_uk(con, [plain, real_files[0]])
    assert [f.status for f in again.files] == ["skipped", "skipped"]


def test_newer_download_replaces_the_older_one(tmp_path: Path) -> None:
    con = new_warehouse(tmp_path / "w.duckdb")
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    name = "2020-01-leicestershire-street.csv"
    rows_old = [street_line(crime_id=f"a{i}") for i in range(5)]
    rows_new = [street_line(crime_id=f"b{i}", crime_type="Drugs") for i in range(3)]
    (old_dir / name).write_text(POLICE_UK_HEADER + "\n" + "\n".join(rows_old) + "\n")
    (new_dir / name).write_text(POLICE_UK_HEADER + "\n" + "\n".join(rows_new) + "\n")
    load_police_uk(con, [old_dir / name])
    report = load_police_uk(con, [new_dir / name])
    assert [f.status for f in report.files] == ["replaced"]
    assert con.execute("SELECT crime_type, count(*) FROM street_crime GROUP BY 1").fetchall() == [
        ("Drugs", 3)
    ]
    assert con.execute("SELECT crime_type, n FROM crime_count").fetchall() == [("Drugs", 3)]
    files = con.execute("SELECT file_id, replaced_by FROM source_file ORDER BY file_id").fetchall()
    assert files[0][1] == files[1][0] and files[1][1] is None
    # The old download again is recognised and does not come back.
    again = load_police_uk(con, [old_dir / name])
    assert again.files[0].status == "skipped" and "replaced" in again.files[0].message
    assert con.execute("SELECT sum(n) FROM crime_count").fetchone() == (3,)


def test_monthly_archive_zip_and_folders(tmp_path: Path, real_files: list[Path]) -> None:
    archive = tmp_path / "2020-01.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in real_files:
            if path.name.startswith("2020-01"):
                zf.writestr(f"2020-01/{path.name[:-3]}", gzip.decompress(path.read_bytes()))
        zf.writestr("2020-01/README.txt", "not data")
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, [archive])
    assert report.count("loaded") == 2 and report.ok
    assert all("2020-01.zip!2020-01/" in f.name for f in report.files)
    folder = tmp_path / "tree" / "nested"
    folder.mkdir(parents=True)
    for path in real_files:
        if path.name.startswith("2020-01"):  # extracted from the archive: the same bytes
            (folder / path.name[:-3]).write_bytes(gzip.decompress(path.read_bytes()))
        else:
            (folder / path.name).write_bytes(path.read_bytes())
    report = load_police_uk(con, [tmp_path / "tree"])
    assert report.count("skipped") == 2 and report.count("loaded") == 2


def test_outcomes_and_stop_and_search(tmp_path: Path) -> None:
    outcomes = tmp_path / "2021-03-kent-outcomes.csv"
    outcomes.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Outcome type\n"
        "abc,2021-03,Kent Police,Kent Police,0.5,51.2,On or near X,E01023987,Ashford 001B,"
        "Investigation complete; no suspect identified\n"
        "abd,2021-04,Kent Police,Kent Police,0.5,51.2,On or near X,E01023987,Ashford 001B,"
        "Local resolution\n"
    )
    stops = tmp_path / "2021-03-kent-stop-and-search.csv"
    stops.write_text(
        "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
        "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
        "Object of search,Outcome,Outcome linked to object of search,"
        "Removal of more than just outer clothing\n"
        "Person search,2021-03-02T10:15:00+00:00,False,,51.2,0.5,Male,18-24,"
        "White - English/Welsh/Scottish/Northern Irish/British,White,"
        "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,"
        "False,False\n"
        "Person search,2021-03-05T10:15:00+00:00,maybe,,51.2,0.5,Male,18-24,,White,,,,,\n"
    )
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(con, [outcomes, stops])
    assert report.ok and report.rows_loaded == 2 and report.rows_quarantined == 2
    assert con.execute("SELECT outcome_type FROM outcome").fetchall() == [
        ("Investigation complete; no suspect identified",)
    ]
    assert con.execute("SELECT gender, part_of_operation FROM stop_search").fetchall() == [
        ("Male", False)
    ]
    reasons = con.execute("SELECT file_name, line, reason FROM quarantine ORDER BY 1").fetchall()
    assert reasons[0][0].endswith("outcomes.csv") and reasons[0][1] == 3
    assert reasons[0][2].startswith("month not matching file name")
    assert reasons[1][1] == 3 and reasons[1][2].startswith("bad value")
    assert con.execute("SELECT count(*) FROM crime_count").fetchone() == (0,)


def test_a_failure_mid_load_rolls_everything_back(
    tmp_path: Path, real_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from saferhub.analytics import ingest_police_uk

    con = new_warehouse(tmp_path / "w.duckdb")
    load_police_uk(con, real_files[:1])
    before = snapshot(con)

    def boom(con: duckdb.DuckDBPyConnection, loaded: object) -> None:
        raise RuntimeError("disk full")

    # The last step before COMMIT: everything else has been written in the transaction.
    monkeypatch.setattr(ingest_police_uk, "_geography_note", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        load_police_uk(con, real_files[1:])
    assert snapshot(con) == before


def test_crime_count_has_one_row_per_key_when_bad_rows_share_it(tmp_path: Path) -> None:
    """Rows refused for their coordinates or month share a (month, LSOA, crime type) with good
    rows; a second force's file of the same month has the same LSOA and type, and an older
    download of the first file is given in the same load. crime_count still holds each key
    once, with the good rows' count."""
    name = "2020-01-leicestershire-street.csv"
    older, newer, other = tmp_path / "older", tmp_path / "newer", tmp_path / "other"
    for folder in (older, newer, other):
        folder.mkdir()
    (older / name).write_text(POLICE_UK_HEADER + "\n" + street_line(crime_id="old") + "\n")
    rows = [
        street_line(crime_id="a1"),
        street_line(crime_id="a2", lon="-1.1x", lat="52.6"),  # not a number
        street_line(crime_id="a3"),
        street_line(crime_id="a4", lon="40.0", lat="52.6"),  # outside Great Britain
        street_line(crime_id="a5", month="2020-02"),  # another month than the file's
        street_line(crime_id="a6", lsoa="", lon="", lat=""),
        street_line(crime_id="a7", lsoa="", lon="", lat="52.6"),  # only one coordinate
        street_line(crime_id="a8", lsoa="", lon="", lat=""),
    ]
    (newer / name).write_text(POLICE_UK_HEADER + "\n" + "\n".join(rows) + "\n")
    (other / "2020-01-lancashire-street.csv").write_text(
        POLICE_UK_HEADER + "\n" + "\n".join(street_line(crime_id=f"b{i}") for i in range(4)) + "\n"
    )
    con = new_warehouse(tmp_path / "w.duckdb")
    report = load_police_uk(
        con, [older / name, newer / name, other / "2020-01-lancashire-street.csv"]
    )
    assert [f.status for f in report.files] == ["skipped", "loaded", "loaded"]
    assert report.rows_loaded == 8 and report.rows_quarantined == 4
    assert con.execute(
        "SELECT force, strftime(month, '%Y-%m'), lsoa_code, crime_type, n FROM crime_count "
        "ORDER BY ALL"
    ).fetchall() == [
        ("lancashire", "2020-01", "E01025511", "Burglary", 4),
        ("leicestershire", "2020-01", "E01025511", "Burglary", 2),
        ("leicestershire", "2020-01", None, "Burglary", 2),
    ]


@pytest.mark.parametrize("setting", [True, False])
def test_the_connection_keeps_its_insertion_order_setting(tmp_path: Path, setting: bool) -> None:
    """The crime_count insert turns DuckDB's preserve_insertion_order off for itself only."""
    con = new_warehouse(tmp_path / "w.duckdb")
    con.execute(f"SET preserve_insertion_order = {str(setting).lower()}")
    path = tmp_path / "2020-01-leicestershire-street.csv"
    path.write_text(POLICE_UK_HEADER + "\n" + street_line(lon="x") + "\n" + street_line() + "\n")
    report = load_police_uk(con, [path])
    assert report.rows_loaded == 1 and report.rows_quarantined == 1
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (
        setting,
    )


def test_the_start_of_a_gzip_stream_is_read_across_slices() -> None:
    """_gzip_head inflates a little at first, then more: a first line found after many
    slices of compressed bytes comes back whole, and so does a short stream."""
    noise = "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz,", k=60_000))
    data = (noise + "\nsecond line\n").encode()
    packed = gzip.compress(data)
    assert len(packed) > 30_000  # many slices before the line break
    head = _gzip_head(packed)
    assert head is not None and head.split(b"\n", 1)[0] == noise.encode()
    assert data.startswith(head)
    assert _gzip_head(gzip.compress(b"")) == b""
    assert _gzip_head(gzip.compress(b"a,b,c")) == b"a,b,c"
    assert _gzip_head(gzip.compress(b"x" * (3 << 20))) is None  # no line break in 1 MB
