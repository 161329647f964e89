"""Damaged and foreign files: no crash, no partial load, every row accounted for, named problems."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import POLICE_UK_HEADER, new_warehouse, snapshot, street_line

from saferhub.analytics.ingest_police_uk import load_police_uk

NAME = "2020-01-leicestershire-street.csv"


def _quarantine(con) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()


def _load(tmp_path: Path, content: bytes, name: str = NAME):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    con = new_warehouse(tmp_path / "w.duckdb")
    return con, load_police_uk(con, [path]), path


def _good(n: int) -> list[str]:
    return [street_line(crime_id=f"id{i}") for i in range(n)]


def test_bom_crlf_and_reordered_header_are_read_correctly(tmp_path: Path) -> None:
    columns = POLICE_UK_HEADER.split(",")
    order = list(reversed(range(len(columns))))
    rows = [street_line(crime_id=f"id{i}").split(",") for i in range(4)]
    text = ",".join(columns[i] for i in order) + "\r\n"
    text += "".join(",".join(row[i] for i in order) + "\r\n" for row in rows)
    con, report, _ = _load(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert report.ok and report.rows_loaded == 4 and report.rows_quarantined == 0
    assert con.execute(
        "SELECT DISTINCT crime_id LIKE 'id%', crime_type, lsoa_code, longitude, context "
        "FROM street_crime"
    ).fetchall() == [(True, "Burglary", "E01025511", -1.13, None)]


def test_each_bad_row_is_quarantined_with_its_line_and_reason(tmp_path: Path) -> None:
    lines = [
        POLICE_UK_HEADER,
        street_line(),  # 2 good
        street_line(month="2020-13"),  # 3 bad month
        street_line(month="2020-02"),  # 4 month not matching file name
        street_line(lon="abc"),  # 5 bad coordinates
        street_line(lon="", lat="52.6"),  # 6 only one coordinate
        street_line(lon="40.0", lat="52.6"),  # 7 outside Great Britain
        street_line(crime_type="Jaywalking"),  # 8 unknown crime type
        street_line(lsoa="S01000001"),  # 9 unknown LSOA code format
        street_line() + ",extra",  # 10 too many columns
        ",2020-01,Leicestershire Police",  # 11 too few columns
        "",  # 12 blank: not a row
        street_line(lsoa="", lon="", lat=""),  # 13 good: no location, LSOA NULL
        street_line(crime_id="", crime_type="Anti-social behaviour"),  # 14 good ASB
    ]
    content = "\n".join(lines).encode()  # last line without a newline
    con, report, path = _load(tmp_path, content)
    outcome = report.files[0]
    assert outcome.status == "loaded"
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (12, 3, 9)
    found = _quarantine(con)
    assert [line for line, _ in found] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    kinds = [reason.split(":")[0] for _, reason in found]
    assert kinds == [
        "bad month",
        "month not matching file name",
        "bad coordinates",
        "bad coordinates",
        "bad coordinates",
        "unknown crime type",
        "unknown LSOA code format",
        "wrong column count",
        "wrong column count",
    ]
    assert "2020-13" in found[0][1] and "Jaywalking" in found[5][1] and "S01000001" in found[6][1]
    names = con.execute("SELECT DISTINCT file_name FROM quarantine").fetchall()
    assert names == [(str(path),)]
    assert con.execute("SELECT count(*) FROM street_crime WHERE lsoa_code IS NULL").fetchone() == (
        1,
    )
    assert con.execute("SELECT sum(n) FROM crime_count").fetchone() == (3,)


def test_latin1_bytes_are_quarantined_as_bad_encoding(tmp_path: Path) -> None:
    good = _good(3)
    bad = street_line().replace("Test Street", "Caf\xe9 Street").encode("latin-1")
    content = (POLICE_UK_HEADER + "\n" + good[0] + "\n").encode() + bad + b"\n"
    content += ("\n".join(good[1:]) + "\n").encode()
    con, report, _ = _load(tmp_path, content)
    assert report.rows_loaded == 3 and report.rows_quarantined == 1
    column = bad.index(b"\xe9") + 1
    assert _quarantine(con) == [(3, f"bad encoding: byte 0xe9 at column {column} is not UTF-8")]


@pytest.mark.parametrize("column", range(len(POLICE_UK_HEADER.split(","))))
def test_bytes_that_are_not_utf8_are_found_in_any_column(tmp_path: Path, column: int) -> None:
    """The scan reads only some columns for its counts: it must still check every field."""
    fields = street_line(crime_id="bad").split(",")
    fields[column] += "\xe9"
    bad = ",".join(fields).encode("latin-1")
    good = _good(2)
    content = (POLICE_UK_HEADER + "\n" + good[0] + "\n").encode() + bad + b"\n"
    content += (good[1] + "\n").encode()
    con, report, _ = _load(tmp_path, content)
    assert report.rows_loaded == 2 and report.rows_quarantined == 1
    at = bad.index(b"\xe9") + 1
    assert _quarantine(con) == [(3, f"bad encoding: byte 0xe9 at column {at} is not UTF-8")]
    # and the view over the stored file leaves the same row out
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (2,)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (
            b"Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude\n1,2",
            "not a police.uk street file",
        ),
        (
            b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            b"LSOA name,Outcome type\nx,2020-01,a,a,,,,,,done\n",
            "it is a police.uk outcomes file",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe", "not UTF-8 text"),
        (b"<html><body>Not found</body></html>", "header lacks"),
        (POLICE_UK_HEADER.replace(",Context", "").encode() + b"\n", "header lacks Context"),
    ],
)
def test_files_of_another_kind_are_refused_whole(tmp_path: Path, content: bytes, why: str) -> None:
    con, report, _path = _load(tmp_path, content)
    assert report.files[0].status == "refused" and not report.ok
    assert why in report.files[0].message
    assert all(not rows for rows in snapshot(con).values())


def test_truncated_gzip_is_refused_and_nothing_loads(tmp_path: Path) -> None:
    good = tmp_path / "2020-02-leicestershire-street.csv"
    good.write_text(POLICE_UK_HEADER + "\n" + street_line(month="2020-02") + "\n")
    packed = gzip.compress(("\n".join([POLICE_UK_HEADER, *_good(2000)]) + "\n").encode())
    con, report, _ = _load(tmp_path, packed[: len(packed) // 2], NAME + ".gz")
    assert report.files[0].status == "refused"
    assert "gzip" in report.files[0].message
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (0,)


def test_truncated_csv_loses_only_its_cut_last_line(tmp_path: Path) -> None:
    text = "\n".join([POLICE_UK_HEADER, *_good(50)]) + "\n"
    cut = text[: text.rfind("Leicester 001A")]
    con, report, _ = _load(tmp_path, cut.encode())
    assert report.rows_loaded == 49 and report.rows_quarantined == 1
    assert _quarantine(con)[0][0] == 51
    assert "wrong column count" in _quarantine(con)[0][1]


def test_a_quote_left_open_accounts_for_every_line_it_swallows(tmp_path: Path) -> None:
    lines = [POLICE_UK_HEADER, street_line(), '"', *_good(2), 'a,"b', street_line()]
    con, report, _ = _load(tmp_path, ("\n".join(lines) + "\n").encode())
    outcome = report.files[0]
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (6, 2, 4)
    found = _quarantine(con)
    assert [line for line, _ in found] == [3, 4, 5, 6]
    assert all(reason.startswith("malformed CSV") for _, reason in found)
    assert "left open on line 3" in found[1][1]


def test_unknown_force_and_bad_name_are_refused(tmp_path: Path) -> None:
    body = (POLICE_UK_HEADER + "\n" + street_line() + "\n").encode()
    _, report, _ = _load(tmp_path, body, "2020-01-atlantis-street.csv")
    assert "unknown police force 'atlantis'" in report.files[0].message
    _, report, _ = _load(tmp_path, body, "crimes.csv")
    assert "not a police.uk monthly file name" in report.files[0].message


_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.one_of(
            st.just(street_line()),
            st.lists(_cells, min_size=1, max_size=15).map(",".join),
            st.builds(lambda m: street_line(month=m), _cells),
            st.builds(lambda t: street_line(crime_type=t), _cells),
            st.builds(lambda x, y: street_line(lon=x, lat=y), _cells, _cells),
            st.builds(lambda c: street_line(lsoa=c), _cells),
        ),
        max_size=25,
    )
)
def test_random_rows_are_all_accounted_for(
    tmp_path_factory: pytest.TempPathFactory, rows: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    con, report, _ = _load(tmp_path, ("\n".join([POLICE_UK_HEADER, *rows]) + "\n").encode())
    outcome = report.files[0]
    assert outcome.status == "loaded"
    assert outcome.rows_read == outcome.rows_loaded + outcome.rows_quarantined
    loaded = con.execute("SELECT count(*) FROM street_crime").fetchone()
    quarantined = con.execute("SELECT count(*), count(line) FROM quarantine").fetchone()
    assert loaded == (outcome.rows_loaded,)
    assert quarantined == (outcome.rows_quarantined, outcome.rows_quarantined)
    non_blank = sum(1 for r in rows if r.strip() != "")
    assert outcome.rows_read <= len(rows) and outcome.rows_read >= non_blank - 1


def test_a_row_after_a_quote_left_open_is_in_the_view_as_counted(tmp_path: Path) -> None:
    """Found by the random rows above: the view must give the rows the load counted."""
    rows = [street_line(month='"'), '"0', street_line()]
    con, report, _ = _load(tmp_path, ("\n".join([POLICE_UK_HEADER, *rows]) + "\n").encode())
    assert report.rows_loaded == 1
    assert con.execute("SELECT count(*) FROM street_crime").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (report.rows_quarantined,)
