"""Upload and load policy without a database: which files are accepted, what kind they are,
how a load's outcome is summed up.

Uploads are judged by their bytes, never by the type the browser claims: a police.uk or
partner CSV file (plain text), the same gzipped (``.csv.gz``), or a zip archive such as
police.uk's monthly download. Whether a CSV file really is a police.uk or partner file, and
which of its rows are good, is the ingest engine's judgement when the load runs: it reports
each file and line.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, Literal, Protocol, cast

Kind = Literal["police_uk", "partner"]
FinalStatus = Literal["succeeded", "refused"]

SNIFF_BYTES = 64 * 1024
"""How much of each file is read at upload to judge what it is."""

PARTNER_COLUMNS = frozenset({"dataset", "area_code"})
"""A CSV header holding these columns is partner data (docs/partner-data.md)."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

# Formats people save by mistake, recognised by their first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an Excel or Word file in the old Office format"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed"),
)


class Seekable(Protocol):
    """A file that can be read from its start (an upload, or an open binary file)."""

    def read(self, size: int = ..., /) -> Any: ...
    def seek(self, offset: int, whence: int = ..., /) -> Any: ...


@dataclass(frozen=True)
class UploadCheck:
    """What an uploaded file is: its kind, or the problem (a GOV.UK error message naming it)."""

    kind: Kind | None
    problem: str = ""


def safe_file_name(name: str) -> str:
    """The file's own name with any folder removed and unusual characters replaced, so it can
    be stored on disk; police.uk names (``2022-06-kent-street.csv``) are kept as they are."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[-200:]


def megabytes(size: int) -> str:
    """A size in MB as users read it: '500 MB', '1.5 MB'."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def check_upload(name: str, size: int, stream: Seekable, *, max_bytes: int) -> UploadCheck:
    """Judge one uploaded file by its name, size and first bytes (the stream is left at 0)."""
    lower = name.lower()
    if not lower.endswith((".csv", ".csv.gz", ".zip")):
        if lower.endswith((".xlsx", ".xls", ".ods")):
            return UploadCheck(
                None, f"{name} is a spreadsheet: save it as CSV (comma separated values) first"
            )
        return UploadCheck(
            None,
            f"{name} must be a CSV file (.csv), a gzipped CSV file (.csv.gz) or a zip archive (.zip)",
        )
    if size == 0:
        return UploadCheck(None, f"{name} is empty")
    if size > max_bytes:
        return UploadCheck(None, f"{name} must be smaller than {megabytes(max_bytes)}")
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if lower.endswith(".zip"):
        return _check_zip(name, head, stream)
    if lower.endswith(".gz"):
        if not head.startswith(b"\x1f\x8b"):
            return UploadCheck(None, f"{name} is not gzip-compressed: its name ends in .gz")
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            head = b""
        if not head:
            return UploadCheck(None, f"{name} is not a readable gzip file")
    return _check_csv(name, head)


def _check_zip(name: str, head: bytes, stream: Seekable) -> UploadCheck:
    if not head.startswith(b"PK\x03\x04"):
        return UploadCheck(None, f"{name} is not a zip archive: its name ends in .zip")
    try:
        with zipfile.ZipFile(cast(IO[bytes], stream)) as archive:
            members = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError):
        return UploadCheck(None, f"{name} is not a readable zip archive")
    finally:
        stream.seek(0)
    if "[Content_Types].xml" in members:
        return UploadCheck(
            None, f"{name} is an Office document, not a zip archive of police.uk files"
        )
    if not any(member.lower().endswith(".csv") for member in members):
        return UploadCheck(None, f"{name} has no CSV files in it")
    return UploadCheck("police_uk")


def _check_csv(name: str, head: bytes) -> UploadCheck:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return UploadCheck(None, f"{name} is {what}, not a CSV file")
    if b"\x00" in head:
        return UploadCheck(
            None, f"{name} is not a CSV text file: save it as ‘CSV UTF-8’ and upload it again"
        )
    return UploadCheck(kind_of_csv(head))


def kind_of_csv(head: bytes) -> Kind:
    """Partner data if the header names ``dataset`` and ``area_code``; otherwise police.uk
    (whose loader refuses, with its reason, a file that is neither)."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8-sig", "replace")
    columns = {cell.strip().lower() for cell in next(csv.reader([first]), [])}
    return "partner" if columns >= PARTNER_COLUMNS else "police_uk"


def duplicate_names(names: Iterable[str]) -> list[str]:
    """Names chosen more than once in one upload (compared as they would be stored)."""
    seen: set[str] = set()
    twice: list[str] = []
    for name in names:
        key = safe_file_name(name).lower()
        if key in seen and name not in twice:
            twice.append(name)
        seen.add(key)
    return twice


def final_status(statuses: Iterable[str]) -> FinalStatus:
    """A finished load is `refused` when every file was refused (nothing was written), and
    `succeeded` otherwise: something was loaded, replaced, or had been loaded before."""
    seen = list(statuses)
    return "refused" if seen and all(s == "refused" for s in seen) else "succeeded"


QUEUED_TOO_LONG_SECONDS = 120
RUNNING_SILENT_TOO_LONG_SECONDS = 30 * 60


def looks_stuck(status: str, seconds_since_update: float) -> bool:
    """A load queued for minutes (no worker is running?) or running with no progress for
    half an hour (the worker stopped?): the page says so rather than waiting in silence."""
    if status == "queued":
        return seconds_since_update > QUEUED_TOO_LONG_SECONDS
    if status == "running":
        return seconds_since_update > RUNNING_SILENT_TOO_LONG_SECONDS
    return False


def progress_percent(done: int, total: int) -> int:
    """Whole percent done, 0 to 100 (0 while the total is not known)."""
    if total <= 0:
        return 0
    return max(0, min(100, round(100 * done / total)))
