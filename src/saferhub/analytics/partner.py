"""Partner data: the one CSV format for figures police.uk lacks (see docs/partner-data.md).

Partners (councils, domestic abuse services, substance misuse providers, the Channel panel,
the MARAC coordinator) send rows of ``dataset, month or date, area_code, category, markers``
and, optionally, ``count``: one row per record (count absent, i.e. 1) or one row per count.
The area level (LSOA, district or CSP) is read from the area code's prefix.

Loading follows the police.uk rules: the whole load is one transaction; the same bytes loaded
again are skipped; a file refused as a whole (not this format) writes nothing; each bad row is
quarantined with file, line and reason. A newer file replaces the rows of the same dataset and
month that earlier files gave (a partner re-sending a corrected month).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics.ingest_report import FileOutcome, LoadReport, reason_category

__all__ = ["COLUMNS", "KNOWN_DATASETS", "REQUIRED", "area_level_for", "load_partner"]

COLUMNS = ("dataset", "month", "date", "area_code", "area_level", "category", "markers", "count")
REQUIRED = ("dataset", "area_code")

# Datasets the boards ask for; others are accepted if well formed (a partnership may add its own).
KNOWN_DATASETS = {
    "crime-markers": "police-recorded crimes with a domestic abuse or hate marker",
    "hate-incidents": "hate incidents (non-crimes) reported to the police or partners",
    "da-helpline-calls": "domestic abuse helpline calls, category answered or abandoned",
    "substance-misuse-contacts": "substance misuse service contacts",
    "channel-referrals": "Prevent referrals to the Channel panel (counts only)",
    "marac-referrals": "MARAC referrals (category: new or repeat)",
}

_DATASET = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MARKER = re.compile(r"^[a-z0-9][a-z0-9-]*(:[a-z0-9][a-z0-9-]*)?$")
_LEVELS = {
    "E01": "lsoa",
    "W01": "lsoa",
    "E06": "district",
    "E07": "district",
    "E08": "district",
    "E09": "district",
    "W06": "district",
    "E22": "csp",
    "W22": "csp",
}


def area_level_for(code: str) -> str | None:
    """``lsoa``, ``district`` or ``csp`` for a well-formed ONS code; None otherwise."""
    if not re.fullmatch(r"[EW]\d{8}", code):
        return None
    return _LEVELS.get(code[:3])


@dataclass
class _Row:
    dataset: str
    month: date
    day: date | None
    level: str
    code: str
    category: str | None
    markers: list[str]
    n: int


class _Bad(Exception):
    pass


def _check(row: dict[str, str]) -> _Row:
    dataset = row.get("dataset", "").strip()
    if not _DATASET.match(dataset):
        raise _Bad(f"bad dataset: {dataset!r} is not a lower-case name like hate-incidents")
    month_text = row.get("month", "").strip()
    date_text = row.get("date", "").strip()
    day: date | None = None
    if date_text:
        if not _DATE.match(date_text):
            raise _Bad(f"bad date: {date_text!r} is not YYYY-MM-DD")
        try:
            day = date.fromisoformat(date_text)
        except ValueError:
            raise _Bad(f"bad date: {date_text!r} is not a real date") from None
    if month_text:
        match = _MONTH.match(month_text)
        if not match:
            raise _Bad(f"bad month: {month_text!r} is not YYYY-MM")
        month = date(int(match[1]), int(match[2]), 1)
        if day is not None and day.replace(day=1) != month:
            raise _Bad(f"bad month: date {date_text} is not in month {month_text}")
    elif day is not None:
        month = day.replace(day=1)
    else:
        raise _Bad("bad month: neither month nor date is given")
    code = row.get("area_code", "").strip()
    level = area_level_for(code)
    if level is None:
        raise _Bad(
            f"bad area code: {code!r} is not an LSOA (E01/W01), district (E06-E09/W06) "
            "or CSP (E22/W22) code"
        )
    given_level = row.get("area_level", "").strip().lower()
    if given_level and given_level != level:
        raise _Bad(f"bad area level: {given_level!r} but {code} is a {level} code")
    markers_text = row.get("markers", "").strip()
    markers = [m.strip().lower() for m in markers_text.split(";") if m.strip()]
    for marker in markers:
        if not _MARKER.match(marker):
            raise _Bad(f"bad marker: {marker!r} (use words like domestic-abuse or hate:race)")
    count_text = row.get("count", "").strip()
    if count_text:
        if not count_text.isdigit():
            raise _Bad(f"bad count: {count_text!r} is not a whole number of 0 or more")
        n = int(count_text)
    else:
        n = 1
    category = row.get("category", "").strip() or None
    return _Row(dataset, month, day, level, code, category, markers, n)


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        raw = gzip.decompress(raw)
    return raw


def _load_one(con: duckdb.DuckDBPyConnection, path: Path, outcome: FileOutcome) -> None:
    raw = _read(path)
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise _Bad("the file is empty: no header and no rows")
    text_lines = raw.split(b"\n")
    header_text = text_lines[0].decode("utf-8-sig", "replace").rstrip("\r")
    header = [h.strip().lower() for h in next(csv.reader([header_text]), [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing or not ({"month", "date"} & set(header)):
        raise _Bad(
            "line 1: not a SaferHub partner data file: the header needs dataset, area_code "
            f"and month or date (see docs/partner-data.md); found {', '.join(header[:8])}"
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise _Bad(f"line 1: unknown column(s) {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise _Bad("line 1: a column name is repeated")
    already = con.execute(
        "SELECT name FROM source_file WHERE dataset = 'partner' AND sha256 = ? LIMIT 1", [sha]
    ).fetchone()
    if already:
        outcome.status = "skipped"
        outcome.message = f"already loaded (same content as {already[0]})"
        return
    good: list[_Row] = []
    bad: list[tuple[int, str, str]] = []
    for index, line in enumerate(text_lines[1:], start=2):
        stripped = line.rstrip(b"\r")
        if not stripped.strip():
            continue
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append((index, f"bad encoding: byte 0x{stripped[exc.start]:02x} is not UTF-8", ""))
            continue
        cells = next(csv.reader([text]), [])
        if len(cells) != len(header):
            bad.append(
                (index, f"wrong column count: expected {len(header)}, found {len(cells)}", text)
            )
            continue
        try:
            good.append(_check(dict(zip(header, cells, strict=True))))
        except _Bad as exc:
            bad.append((index, str(exc), text))
    row = con.execute("SELECT nextval('source_file_seq')").fetchone()
    if row is None:  # pragma: no cover
        raise RuntimeError("source_file_seq gave no value")
    file_id = int(row[0])
    pairs = sorted({(r.dataset, r.month) for r in good})
    con.execute(
        """
        INSERT INTO source_file (file_id, dataset, force, month, name, sha256, bytes, rows_read,
            rows_loaded, rows_quarantined, loaded_at, replaced_by)
        VALUES (?, 'partner', NULL, NULL, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, NULL)
        """,
        [file_id, str(path), sha, len(raw), len(good) + len(bad), len(good), len(bad)],
    )
    if pairs:
        con.execute(
            "DELETE FROM partner_record WHERE (dataset, month) IN "
            "(SELECT (unnest(?), unnest(?::DATE[])))",
            [[p[0] for p in pairs], [p[1] for p in pairs]],
        )
        con.execute(
            """
            UPDATE source_file SET replaced_by = ? WHERE dataset = 'partner' AND file_id <> ?
              AND replaced_by IS NULL
              AND file_id NOT IN (SELECT DISTINCT file_id FROM partner_record)
              AND rows_loaded > 0
            """,
            [file_id, file_id],
        )
    if good:
        con.execute(
            """
            INSERT INTO partner_record (file_id, dataset, month, date, area_level, area_code,
                                        category, markers, n)
            SELECT ?, unnest(?), unnest(?::DATE[]), unnest(?::DATE[]), unnest(?), unnest(?),
                   unnest(?), unnest(?::VARCHAR[][]), unnest(?)
            """,
            [
                file_id,
                [r.dataset for r in good],
                [r.month for r in good],
                [r.day for r in good],
                [r.level for r in good],
                [r.code for r in good],
                [r.category for r in good],
                [r.markers for r in good],
                [r.n for r in good],
            ],
        )
    if bad:
        con.execute(
            "INSERT INTO quarantine SELECT ?, ?, unnest(?), unnest(?), unnest(?)",
            [file_id, str(path), [b[0] for b in bad], [b[1] for b in bad], [b[2] for b in bad]],
        )
    outcome.file_id = file_id
    outcome.rows_read = len(good) + len(bad)
    outcome.rows_loaded = len(good)
    outcome.rows_quarantined = len(bad)
    outcome.reasons = Counter(reason_category(b[1]) for b in bad)
    outcome.message = ", ".join(sorted({r.dataset for r in good}))


def load_partner(con: duckdb.DuckDBPyConnection, paths: Iterable[Path | str]) -> LoadReport:
    """Load partner CSV files (plain or .gz; folders searched for them) in one transaction."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.csv")) + sorted(path.rglob("*.csv.gz")))
        else:
            files.append(path)
    report = LoadReport()
    con.execute("BEGIN TRANSACTION")
    try:
        for path in files:
            outcome = FileOutcome(name=str(path), status="loaded", dataset="partner")
            report.files.append(outcome)
            try:
                _load_one(con, path, outcome)
            except (_Bad, OSError, EOFError) as exc:
                outcome.status = "refused"
                outcome.message = str(exc)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report
