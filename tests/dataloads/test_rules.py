"""Upload rules: files are judged by their bytes and size, never by the browser's claim."""

from __future__ import annotations

import io

import pytest

from saferhub.dataloads import rules
from tests.dataloads.conftest import PARTNER_CSV, gz, street_csv, zipped

MB = 1024 * 1024


def check(name: str, content: bytes, max_bytes: int = 10 * MB) -> rules.UploadCheck:
    return rules.check_upload(name, len(content), io.BytesIO(content), max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("2020-01-leicestershire-street.csv", street_csv(), "police_uk"),
        ("2020-01-leicestershire-street.csv.gz", gz(street_csv()), "police_uk"),
        (
            "2020-01.zip",
            zipped({"2020-01/2020-01-leicestershire-street.csv": street_csv()}),
            "police_uk",
        ),
        ("helpline.csv", PARTNER_CSV, "partner"),
        ("helpline.csv", b"\xef\xbb\xbf" + PARTNER_CSV.replace(b"\n", b"\r\n"), "partner"),
        ("helpline.csv.gz", gz(PARTNER_CSV), "partner"),
        # Not police.uk or partner, but text: the ingest engine refuses it with its reason.
        ("notes.csv", b"name,comment\nA,B\n", "police_uk"),
    ],
)
def test_accepted_files_and_their_kind(name: str, content: bytes, kind: str) -> None:
    assert check(name, content) == rules.UploadCheck(kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("figures.xlsx", b"PK\x03\x04", "figures.xlsx is a spreadsheet: save it as CSV"),
        ("report.pdf", b"%PDF-1.7", "report.pdf must be a CSV file (.csv), a gzipped CSV file"),
        ("empty.csv", b"", "empty.csv is empty"),
        ("renamed.csv", b"%PDF-1.7\n...", "renamed.csv is a PDF document, not a CSV file"),
        ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1", "old.csv is an Excel or Word file in the old"),
        ("utf16.csv", "dataset,month\n".encode("utf-16"), "utf16.csv is not a CSV text file"),
        ("plain.csv.gz", b"dataset,month\n", "plain.csv.gz is not gzip-compressed"),
        (
            "broken.csv.gz",
            gz(street_csv())[:10] + b"\xff" * 40,
            "broken.csv.gz is not a readable gzip file",
        ),
        ("notzip.zip", b"dataset,month\n", "notzip.zip is not a zip archive"),
        ("cut.zip", zipped({"a.csv": b"x" * 1000})[:60], "cut.zip is not a readable zip archive"),
        ("photos.zip", zipped({"a.png": b"\x89PNG"}), "photos.zip has no CSV files in it"),
        (
            "book.zip",
            zipped({"[Content_Types].xml": b"<x/>", "xl/a.csv": b""}),
            "book.zip is an Office document",
        ),
    ],
)
def test_refused_files_name_the_file(name: str, content: bytes, problem: str) -> None:
    result = check(name, content)
    assert result.kind is None
    assert result.problem.startswith(problem)


def test_size_limit_names_the_file_and_the_limit() -> None:
    result = check("big.csv", b"a" * (2 * MB + 1), max_bytes=2 * MB)
    assert result.problem == "big.csv must be smaller than 2 MB"
    assert check("fits.csv", b"a,b\n" * (MB // 4), max_bytes=2 * MB).kind == "police_uk"


def test_the_stream_is_left_at_its_start() -> None:
    stream = io.BytesIO(street_csv())
    rules.check_upload("2020-01-kent-street.csv", 10, stream, max_bytes=MB)
    assert stream.tell() == 0


def test_safe_file_names_keep_police_uk_names() -> None:
    assert rules.safe_file_name("2022-06-kent-street.csv.gz") == "2022-06-kent-street.csv.gz"
    assert rules.safe_file_name("../../etc/passwd") == "passwd"
    assert rules.safe_file_name("C:\\Users\\me\\My file (1).csv") == "My_file_1_.csv"
    assert rules.safe_file_name("...") == "upload"


def test_duplicate_names() -> None:
    assert rules.duplicate_names(["a.csv", "b.csv", "A.csv", "a.csv"]) == ["A.csv", "a.csv"]
    assert rules.duplicate_names(["a.csv", "b.csv"]) == []


def test_final_status_and_progress() -> None:
    assert rules.final_status(["refused", "refused"]) == "refused"
    assert rules.final_status(["refused", "loaded"]) == "succeeded"
    assert rules.final_status(["skipped"]) == "succeeded"
    assert rules.progress_percent(1, 3) == 33
    assert rules.progress_percent(5, 0) == 0
    assert rules.progress_percent(9, 3) == 100
    assert rules.megabytes(500 * 1024 * 1024) == "500 MB"
    assert rules.megabytes(1536 * 1024) == "1.5 MB"


def test_a_load_that_looks_stuck() -> None:
    assert not rules.looks_stuck("queued", 60)
    assert rules.looks_stuck("queued", 600)
    assert not rules.looks_stuck("running", 600)
    assert rules.looks_stuck("running", 3600)
    assert not rules.looks_stuck("succeeded", 10**6)
