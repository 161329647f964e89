"""Loading police.uk files (street, outcomes, stop-and-search) into the warehouse.

How a load works
----------------
1. *Prepare* each input file (two threads): take the sha256 of the file's bytes *as given* (a
   ``.gz`` file's compressed bytes, an archive member's extracted bytes: the checksum a user can
   check with ``sha256sum``), check the file name (``YYYY-MM-<force>-<dataset>.csv``) and the
   header (for gzip, only the start of the stream is decompressed), and keep the bytes as given
   in the warehouse's file store under their sha256 (written to a temporary name, then
   renamed). A file that is not a police.uk file (wrong header, another format, binary, empty,
   corrupt gzip) is *refused* with a message saying why, and nothing from it is kept. Header
   columns may come in any order; a UTF-8 byte-order mark and CRLF line endings are accepted.
2. *Load*, all files in ONE DuckDB transaction: a file whose bytes were loaded before is
   skipped; a newer download of the same force, month and dataset replaces the older one
   (``source_file.replaced_by``). DuckDB's CSV reader reads the stored files (gzip included)
   with the schema given (no sniffing), many files per statement; in that one scan every row
   is checked (``police_uk_formats``) and counted by file, check result and, for street
   files, month, LSOA and crime type: the good rows' counts are ``crime_count``, the refused
   rows' counts say which files to re-read (only those) to quarantine the rows with their line
   numbers. Rows with the wrong number of columns are caught by the reader. Everything
   quarantined carries the file, line number (header = line 1) and reason. The
   ``street_crime``, ``outcome`` and ``stop_search`` views are re-pointed at the current files
   in the same transaction. If anything fails, or the process is killed, the transaction never
   commits and the warehouse is exactly as it was (a file already copied into the store is
   not named by any committed row, and the next load removes it).
3. *Fallbacks*, rare and slower: a file the reader finds not UTF-8 is loaded again from a copy
   whose bad lines are blanked out in Python (each quarantined as ``bad encoding`` with the
   byte and column); if DuckDB cannot read a file at all (a gzip stream cut short or corrupt),
   the load is rolled back and redone with every file fully decompressed and checked in Python
   first, so the bad file is refused by name and the others load.

Line numbers assume no field contains a line break (police.uk never quotes one).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import os
import shutil
import tempfile
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics import forces, warehouse
from saferhub.analytics.ingest_inputs import InputError, InputFile, expand_inputs
from saferhub.analytics.ingest_report import FileOutcome, LoadReport, reason_category
from saferhub.analytics.police_uk_formats import (
    DATASETS,
    FILE_NAME,
    PoliceUkFormat,
    csv_reader_sql,
    every_field_sql,
    quote_name,
)

__all__ = ["Progress", "is_police_uk_name", "load_police_uk", "load_police_uk_files"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a load runs."""

_BOM = codecs.BOM_UTF8
_HEAD_BYTES = 1 << 20
"""How much of a gzip stream is decompressed to find the header before giving up on the
fast path (the header is the first line: police.uk headers are under 300 bytes)."""
_GROUP_BYTES = 256 << 20
"""Bytes (as given) of the files read by one statement: progress is reported after each
group. Fewer, larger groups keep both threads busy to the end of more of the load."""
_ENCODING_ERRORS = ("INVALID ENCODING", "INVALID UNICODE")


def is_police_uk_name(basename: str) -> bool:
    """True if a file name looks like a police.uk monthly file (``2022-06-kent-street.csv``)."""
    return FILE_NAME.match(basename) is not None


@dataclass
class _Prepared:
    """An input file that passed the file-level checks, ready for DuckDB."""

    item: InputFile
    fmt: PoliceUkFormat
    force: str
    month: date
    sha256: str
    size: int
    header: tuple[str, ...]
    stored_as: str
    """The file's path in the warehouse's file store (``<dataset>/<sha256>.csv[.gz]``)."""
    read_path: Path
    """What DuckDB reads: the stored file; on the slow paths, a plain, checked copy in the
    work folder."""
    seq: int
    encoding_errors: list[tuple[int, str]] = field(default_factory=list)
    sanitised: bool = False
    """True once lines that are not UTF-8 have been blanked out in Python (encoding_errors)."""
    file_id: int = 0
    outcome: FileOutcome = field(init=False)

    def __post_init__(self) -> None:
        self.outcome = FileOutcome(
            name=self.item.name,
            status="loaded",
            dataset=self.fmt.dataset,
            force=self.force,
            month=self.month.strftime("%Y-%m"),
        )

    def plain_bytes(self) -> bytes:
        """The uncompressed bytes DuckDB reads (only needed on the slow, exact paths)."""
        data = self.read_path.read_bytes()
        return gzip.decompress(data) if self.read_path.name.endswith(".gz") else data


class _Refused(Exception):
    """A file is refused as a whole."""


class _ReadFailed(Exception):
    """DuckDB could not read a file on the fast path: redo the load with Python checks."""


def _parse_header(data: bytes, fmt: PoliceUkFormat) -> tuple[str, ...]:
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(
            "line 1: the header is not UTF-8 text: this is not a police.uk CSV file"
        ) from None
    row = next(csv.reader([text]), [])
    header = tuple(name.strip() for name in row)
    missing = [name for name in fmt.columns if name not in header]
    if missing:
        found = ", ".join(header[:6]) + (", ..." if len(header) > 6 else "")
        other = [d for d, f in DATASETS.items() if f is not fmt and set(f.columns) <= set(header)]
        hint = f" (it is a police.uk {other[0]} file)" if other else ""
        raise _Refused(
            f"line 1: not a police.uk {fmt.dataset} file{hint}: header lacks "
            f"{', '.join(missing)}; found: {found or 'nothing'}"
        )
    if len(set(header)) != len(header):
        dupes = sorted(name for name, n in Counter(header).items() if n > 1)
        raise _Refused(f"line 1: header repeats column(s) {', '.join(dupes)}")
    return header


def _gzip_head(raw: bytes) -> bytes | None:
    """The start of a gzip stream, up to and including its first line break, or the whole
    (short) content; None when that is not settled within _HEAD_BYTES (then the file takes the
    slow path). _Refused if the stream does not start as valid gzip."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = b""
    start, step = 0, 1024  # the header is in the first kilobyte or so: inflate little at first
    try:
        while start < len(raw):
            out += inflater.decompress(raw[start : start + step], _HEAD_BYTES)
            if b"\n" in out and out.strip():
                return out
            if inflater.eof or len(out) >= _HEAD_BYTES:
                break
            start, step = start + step, min(step * 2, 16384)
    except zlib.error as exc:
        raise _Refused(f"cannot read gzip content: {exc}") from exc
    if inflater.eof and not inflater.unused_data:
        return out
    return None


def _sanitise_encoding(data: bytes) -> tuple[bytes, list[tuple[int, str]]]:
    """Blank out lines that are not UTF-8 (kept as empty lines so line numbers hold)."""
    lines = data.split(b"\n")
    bad: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(
                (
                    index + 1,
                    f"bad encoding: byte 0x{line[exc.start]:02x} at column "
                    f"{exc.start + 1} is not UTF-8",
                )
            )
            lines[index] = b""
    return b"\n".join(lines), bad


def _keep(data: bytes, target: Path) -> None:
    """Store ``data`` at ``target`` in the file store, unless a file of that name (the same
    sha256) is there already; written under a temporary name and renamed, so a stored file is
    never partial."""
    if target.exists() and target.stat().st_size == len(data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_bytes(data)
    partial.replace(target)


def _prepare(
    item: InputFile, workdir: Path, store: Path, seq: int, *, verify: bool = False
) -> _Prepared:
    """File-level checks. ``verify``: decompress fully in Python (gzip integrity, UTF-8)."""
    match = FILE_NAME.match(item.basename)
    if match is None:
        raise _Refused(
            "file name is not a police.uk monthly file name "
            "(expected YYYY-MM-<force>-street.csv, -outcomes.csv or -stop-and-search.csv)"
        )
    year, month_no = int(match["year"]), int(match["month"])
    if not 1 <= month_no <= 12:
        raise _Refused(f"file name has an impossible month {match['month']}")
    slug = match["force"]
    if not forces.is_known_force(slug):
        raise _Refused(f"file name names an unknown police force {slug!r}")
    fmt = DATASETS[match["dataset"]]
    try:
        given = item.read_as_given()
    except InputError as exc:
        raise _Refused(str(exc)) from exc
    sha = hashlib.sha256(given).hexdigest()
    head = given
    if item.gzipped:
        start = None if verify else _gzip_head(given)
        if start is None:  # verify, or a start we could not settle: decompress everything
            try:
                head = item.read_bytes()
            except InputError as exc:
                raise _Refused(str(exc)) from exc
            verify = True
        else:
            head = start
    if not head.strip():
        raise _Refused("the file is empty: no header and no rows")
    header = _parse_header(head[len(_BOM) :] if head.startswith(_BOM) else head, fmt)
    stored_as = f"{fmt.dataset}/{sha}.csv" + (".gz" if item.gzipped else "")
    if verify:
        # The Python-checked copy DuckDB reads must decompress: refuse before keeping anything.
        plain = head if item.gzipped else given
    prepared = _Prepared(
        item=item,
        fmt=fmt,
        force=slug,
        month=date(year, month_no, 1),
        sha256=sha,
        size=len(given),
        header=header,
        stored_as=stored_as,
        read_path=store / stored_as,
        seq=seq,
    )
    _keep(given, store / stored_as)
    if verify:
        _sanitise(prepared, plain, workdir)
    return prepared


def _sanitise(prepared: _Prepared, data: bytes, workdir: Path) -> None:
    """Point DuckDB at a plain copy of ``data`` whose non-UTF-8 lines are blanked out."""
    errors: list[tuple[int, str]] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data, errors = _sanitise_encoding(data)
    prepared.read_path = workdir / f"{prepared.seq:06d}-plain.csv"
    prepared.read_path.write_bytes(data)
    prepared.encoding_errors = errors
    prepared.sanitised = True


def _read_csv_sql(header: Sequence[str], *, parallel: bool = True) -> tuple[str, dict[str, str]]:
    return csv_reader_sql("$paths", "$columns", parallel=parallel), dict.fromkeys(header, "VARCHAR")


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _rej_err")
    con.execute("DROP TABLE IF EXISTS _rej_scan")


def _reject_reason(error_type: str, message: str) -> str:
    kind = error_type.upper()
    if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"wrong column count: {message}"
    if kind in _ENCODING_ERRORS:
        return "bad encoding: not UTF-8"
    return f"malformed CSV: {message}"


def _collect_rejects(
    con: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, list[tuple[int, str, str]]], set[str]]:
    """Rejected lines by file path: (line, reason, raw line); and the paths with lines that
    are not UTF-8."""
    rows = con.execute(
        """
        SELECT s.file_path, e.line, any_value(e.error_type ORDER BY e.column_idx),
               any_value(e.error_message ORDER BY e.column_idx DESC), any_value(e.csv_line),
               bool_or(upper(e.error_type) IN ('INVALID ENCODING', 'INVALID UNICODE'))
        FROM _rej_err e JOIN _rej_scan s USING (scan_id, file_id)
        GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line
        """
    ).fetchall()
    found: dict[str, list[tuple[int, str, str]]] = {}
    not_utf8: set[str] = set()
    for path, line, error_type, message, raw, encoding in rows:
        entries = found.setdefault(str(path), [])
        # A quote left open swallows the following lines into this one rejected "row"
        # (police.uk never quotes a line break): each swallowed line is quarantined too.
        first, *swallowed = str(raw or "").split("\n")
        entries.append((int(line), _reject_reason(str(error_type), str(message)), first.strip()))
        for offset, text in enumerate(swallowed, start=1):
            if text.rstrip("\r") != "":
                entries.append(
                    (
                        int(line) + offset,
                        f"malformed CSV: inside a quoted field left open on line {line}",
                        text.strip(),
                    )
                )
        if encoding:
            not_utf8.add(str(path))
    return found, not_utf8


def _exact_sql_rejects(
    con: duckdb.DuckDBPyConnection,
    prepared: _Prepared,
    reader_rejected: set[int],
) -> list[tuple[int | None, str, str]]:
    """Re-read one file in order to find the rows the SQL checks refused, with line numbers."""
    fmt = prepared.fmt
    source, columns = _read_csv_sql(prepared.header, parallel=False)
    _drop_rejects(con)
    con.execute("DROP TABLE IF EXISTS _stage")
    con.execute(
        f"""
        CREATE TEMP TABLE _stage AS
        SELECT {fmt.reason_sql} AS _reason
        FROM (SELECT *, $month AS _file_month_text FROM {source})
        """,  # noqa: S608 - the format's SQL is fixed text, values are bound
        {
            "paths": [str(prepared.read_path)],
            "columns": columns,
            "month": prepared.month.strftime("%Y-%m"),
        },
    )
    _drop_rejects(con)
    bad = con.execute(
        # Inside a transaction new rows get large transaction-local rowids: use the offset.
        "SELECT rowid - (SELECT min(rowid) FROM _stage), _reason FROM _stage "
        "WHERE _reason IS NOT NULL ORDER BY rowid"
    ).fetchall()
    con.execute("DROP TABLE _stage")
    if not bad:
        return []
    lines = prepared.plain_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    skip = reader_rejected | {line for line, _ in prepared.encoding_errors}
    row_lines = [
        index + 1
        for index, text in enumerate(lines)
        if index > 0 and text.rstrip(b"\r") != b"" and (index + 1) not in skip
    ]
    entries: list[tuple[int | None, str, str]] = []
    for rowid, reason in bad:
        ordinal = int(rowid)
        line_no = row_lines[ordinal] if ordinal < len(row_lines) else None
        raw = (
            lines[line_no - 1].rstrip(b"\r").decode("utf-8", "replace")
            if line_no is not None
            else ""
        )
        entries.append((line_no, str(reason), raw))
    return entries


@contextmanager
def _any_row_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's ``preserve_insertion_order`` off for the statements inside, then as it was.

    For inserts whose rows have no order to keep (the counts of a hash aggregate): each thread
    appends its rows as it makes them rather than in order (the crime_count insert from the
    126 real files: 0.08 s rather than 0.14 s). Only around such statements: the re-read for
    line numbers relies on the order being kept."""
    row = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    before = row is None or str(row[0]).lower() == "true"
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


def _load_group(
    con: duckdb.DuckDBPyConnection, group: list[_Prepared], workdir: Path
) -> list[tuple[int, str, int | None, str, str]]:
    """Check and count the rows of files sharing one format and header order in one scan;
    returns the quarantine entries (file_id, file name, line, reason, raw line).

    The scan counts rows by file, the format's low-cardinality columns (month, LSOA, crime or
    outcome type) and the result of the row-level checks (coordinates...); the checks on the
    counted columns are then made once per distinct combination, not once per row. Good street
    rows' counts go to ``crime_count``, and only files with refused rows are re-read for line
    numbers. Every column is read (the other columns are named in one count), so the reader
    checks every field's encoding, not just the ones counted."""
    fmt = group[0].fmt
    source, columns = _read_csv_sql(group[0].header)
    street = fmt.dataset == "street"
    keys = "".join(f"{quote_name(c)}, " for c in fmt.group_columns)
    others = [c for c in group[0].header if c not in fmt.group_columns]
    touched = f"count({every_field_sql(others)})"
    # Column names are quoted (quote_name); the rest is the format's fixed SQL.
    if fmt.row_check_needs_file:  # the row checks need each row's file (stop-and-search)
        counted = f"""
            SELECT _file_id, {keys} ({fmt.row_check_sql}) AS _row_bad, count(*) AS n,
                   {touched} AS touched
            FROM (SELECT r.*, f.file_id AS _file_id, f.month_text AS _file_month_text
                  FROM {source} r JOIN files f ON r.file_index = f.file_index)
            GROUP BY ALL"""  # noqa: S608
        on = "g._file_id = f.file_id"
    else:  # count first, then check each distinct (file, month, LSOA, category) once
        counted = f"""
            SELECT file_index AS _file_index, {keys} ({fmt.row_check_sql}) AS _row_bad,
                   count(*) AS n, {touched} AS touched
            FROM {source} GROUP BY ALL"""  # noqa: S608
        on = "g._file_index = f.file_index"
    _drop_rejects(con)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _scan AS
            WITH files AS (
                SELECT unnest(range(len($paths))) AS file_index, unnest($ids) AS file_id,
                       unnest($months::DATE[]) AS month, unnest($texts) AS month_text,
                       unnest($forces) AS force
            )
            SELECT file_id, _file_month, _force, {keys}
                   _row_bad OR ({fmt.group_check_sql}) AS bad, n, touched
            FROM (
                SELECT g.*, f.file_id, f.month AS _file_month, f.force AS _force,
                       f.month_text AS _file_month_text
                FROM ({counted}) g JOIN files f ON {on}
            )
            """,  # noqa: S608 - the format's SQL is fixed text, values are bound
            {
                "paths": [str(p.read_path) for p in group],
                "columns": columns,
                "ids": [p.file_id for p in group],
                "months": [p.month for p in group],
                "texts": [p.month.strftime("%Y-%m") for p in group],
                "forces": [p.force for p in group],
            },
        )
    except duckdb.IOException as exc:
        if any(p.sanitised for p in group):
            raise
        raise _ReadFailed(str(exc)) from exc
    rejects, not_utf8 = _collect_rejects(con)
    _drop_rejects(con)
    redo = [p.file_id for p in group if str(p.read_path) in not_utf8 and not p.sanitised]
    counts: dict[int, tuple[int, int]] = {
        int(file_id): (int(good), int(bad))
        for file_id, good, bad in con.execute(
            """
            SELECT file_id, coalesce(sum(n) FILTER (NOT bad), 0),
                   coalesce(sum(n) FILTER (bad), 0)
            FROM _scan GROUP BY file_id
            """
        ).fetchall()
    }
    if street:
        # No GROUP BY: a good group's key (file, month, LSOA, crime type) is already unique.
        # Its Month is the file's month and its row check passed (both are part of the scan's
        # key, and a group with either wrong is bad), and the files of one load have distinct
        # forces and months (_register keeps the latest download of each).
        with _any_row_order(con):
            con.execute(
                """
                INSERT INTO crime_count (month, force, lsoa_code, crime_type, n)
                SELECT _file_month, _force, "LSOA code", "Crime type", n FROM _scan
                WHERE NOT bad AND NOT list_contains($redo, file_id)
                """,
                {"redo": redo},
            )
    con.execute("DROP TABLE _scan")
    entries: list[tuple[int, str, int | None, str, str]] = []
    for prepared in group:
        if prepared.file_id in redo:
            # The reader found bytes that are not UTF-8: name them exactly, from a clean copy.
            _sanitise(prepared, prepared.plain_bytes(), workdir)
            entries.extend(_load_group(con, [prepared], workdir))
            continue
        outcome = prepared.outcome
        loaded, refused = counts.get(prepared.file_id, (0, 0))
        reader = rejects.get(str(prepared.read_path), [])
        found: list[tuple[int | None, str, str]] = [
            (line, reason, "") for line, reason in prepared.encoding_errors
        ]
        found.extend(reader)
        if refused:
            sql_rejects = _exact_sql_rejects(con, prepared, {line for line, _, _ in reader})
            if len(sql_rejects) != refused:
                raise RuntimeError(
                    f"{prepared.item.name}: rows do not add up: {refused} rows failed the "
                    f"checks, {len(sql_rejects)} found again"
                )
            found.extend(sql_rejects)
        found.sort(key=lambda e: (e[0] is None, e[0] or 0))
        outcome.rows_loaded = loaded
        outcome.rows_quarantined = len(found)
        outcome.rows_read = loaded + len(found)
        outcome.reasons.update(reason_category(e[1]) for e in found)
        entries.extend((prepared.file_id, prepared.item.name, *e) for e in found)
    return entries


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection, entries: Sequence[tuple[int, str, int | None, str, str]]
) -> None:
    if not entries:
        return
    con.execute(
        """
        INSERT INTO quarantine (file_id, file_name, line, reason, raw)
        SELECT unnest($ids), unnest($names), unnest($lines), unnest($reasons), unnest($raws)
        """,
        {
            "ids": [e[0] for e in entries],
            "names": [e[1] for e in entries],
            "lines": [e[2] for e in entries],
            "reasons": [e[3] for e in entries],
            "raws": [e[4] for e in entries],
        },
    )


def _record_counts(con: duckdb.DuckDBPyConnection, loaded: Sequence[_Prepared]) -> None:
    if not loaded:
        return
    con.execute(
        """
        UPDATE source_file SET rows_read = t.r, rows_loaded = t.l, rows_quarantined = t.q
        FROM (SELECT unnest($ids) AS id, unnest($r) AS r, unnest($l) AS l, unnest($q) AS q) t
        WHERE source_file.file_id = t.id
        """,
        {
            "ids": [p.file_id for p in loaded],
            "r": [p.outcome.rows_read for p in loaded],
            "l": [p.outcome.rows_loaded for p in loaded],
            "q": [p.outcome.rows_quarantined for p in loaded],
        },
    )


def _register(
    con: duckdb.DuckDBPyConnection, prepared: list[_Prepared], report: LoadReport
) -> list[_Prepared]:
    """Skip already-loaded files, record new ones in source_file, retire replaced ones."""
    earlier: dict[tuple[str, str], tuple[str, int | None]] = {}
    if prepared:
        for sha, dataset, name, replaced_by in con.execute(
            """
            SELECT sha256, dataset, name, replaced_by FROM source_file
            WHERE list_contains($shas, sha256)
            QUALIFY row_number() OVER (PARTITION BY sha256, dataset ORDER BY file_id) = 1
            """,
            {"shas": sorted({p.sha256 for p in prepared})},
        ).fetchall():
            earlier[(str(sha), str(dataset))] = (str(name), replaced_by)
    to_load: list[_Prepared] = []
    latest: dict[tuple[str, str, date], _Prepared] = {}
    seen_sha: dict[str, _Prepared] = {}
    for p in prepared:
        outcome = p.outcome
        report.files.append(outcome)
        before = earlier.get((p.sha256, p.fmt.dataset))
        if before is not None:
            outcome.status = "skipped"
            outcome.message = f"already loaded (same content as {before[0]}" + (
                ", since replaced by a newer download)" if before[1] is not None else ")"
            )
            continue
        if p.sha256 in seen_sha:
            outcome.status = "skipped"
            outcome.message = f"same content as {seen_sha[p.sha256].item.name} in this load"
            continue
        seen_sha[p.sha256] = p
        key = (p.fmt.dataset, p.force, p.month)
        if key in latest:
            older = latest[key]
            older.outcome.status = "skipped"
            older.outcome.message = f"superseded by {p.item.name}, given later in the same load"
            to_load.remove(older)
        latest[key] = p
        to_load.append(p)
    if not to_load:
        return to_load
    new_ids = sorted(
        int(row[0])
        for row in con.execute(
            "SELECT nextval('source_file_seq') FROM range($n)", {"n": len(to_load)}
        ).fetchall()
    )
    for p, file_id in zip(to_load, new_ids, strict=True):
        p.file_id = p.outcome.file_id = file_id
    columns = {
        "ids": new_ids,
        "datasets": [p.fmt.dataset for p in to_load],
        "forces": [p.force for p in to_load],
        "months": [p.month for p in to_load],
        "names": [p.item.name for p in to_load],
        "shas": [p.sha256 for p in to_load],
        "sizes": [p.size for p in to_load],
        "stored": [p.stored_as for p in to_load],
        "headers": [list(p.header) for p in to_load],
    }
    con.execute(
        """
        INSERT INTO source_file (file_id, dataset, force, month, name, sha256, bytes,
            rows_read, rows_loaded, rows_quarantined, loaded_at, replaced_by, stored_as, header)
        SELECT unnest($ids), unnest($datasets), unnest($forces), unnest($months::DATE[]),
               unnest($names), unnest($shas), unnest($sizes), 0, 0, 0, now()::TIMESTAMP, NULL,
               unnest($stored), unnest($headers::VARCHAR[][])
        """,
        columns,
    )
    old = con.execute(
        """
        SELECT s.file_id, s.name, s.dataset, s.force, s.month, n.id
        FROM source_file s JOIN (
            SELECT unnest($ids) AS id, unnest($datasets) AS dataset, unnest($forces) AS force,
                   unnest($months::DATE[]) AS month
        ) n ON s.dataset = n.dataset AND s.force = n.force AND s.month = n.month
        WHERE s.replaced_by IS NULL AND s.file_id <> n.id
        ORDER BY s.file_id
        """,
        {k: columns[k] for k in ("ids", "datasets", "forces", "months")},
    ).fetchall()
    if not old:
        return to_load
    by_id = {p.file_id: p for p in to_load}
    for old_id, old_name, dataset, _force, _month, new_id in old:
        del old_id, dataset
        by_id[int(new_id)].outcome.status = "replaced"
        by_id[int(new_id)].outcome.message = f"replaces an older download: {old_name}"
    old_ids = [int(row[0]) for row in old]
    con.execute("DELETE FROM quarantine WHERE list_contains($ids, file_id)", {"ids": old_ids})
    con.execute(
        """
        UPDATE source_file SET replaced_by = t.new_id
        FROM (SELECT unnest($old) AS old_id, unnest($new) AS new_id) t
        WHERE source_file.file_id = t.old_id
        """,
        {"old": old_ids, "new": [int(row[5]) for row in old]},
    )
    street = [(str(row[3]), row[4]) for row in old if row[2] == "street"]
    if street:
        con.execute(
            """
            DELETE FROM crime_count USING (
                SELECT unnest($forces) AS f, unnest($months::DATE[]) AS m) t
            WHERE crime_count.force = t.f AND crime_count.month = t.m
            """,
            {"forces": [f for f, _ in street], "months": [m for _, m in street]},
        )
    return to_load


def _geography_note(con: duckdb.DuckDBPyConnection, loaded: list[_Prepared]) -> str | None:
    """How many loaded rows name an LSOA the latest ONS lookup does not know."""
    pairs = {(p.force, p.month) for p in loaded if p.fmt.dataset == "street"}
    if not pairs:
        return None
    version = con.execute("SELECT max(version) FROM geo_lsoa").fetchone()
    if version is None or version[0] is None:
        return "no ONS LSOA lookup is loaded yet: run `saferhub ingest geography` to map LSOAs"
    row = con.execute(
        """
        SELECT coalesce(sum(c.n), 0) FROM crime_count c
        JOIN (SELECT unnest(?) AS force, unnest(?::DATE[]) AS month) t USING (force, month)
        WHERE c.lsoa_code IS NOT NULL AND c.lsoa_code NOT IN (
            SELECT lsoa_code FROM geo_lsoa WHERE version = ?)
        """,
        [[f for f, _ in pairs], [m for _, m in pairs], version[0]],
    ).fetchone()
    unmapped = int(row[0]) if row else 0
    if unmapped:
        return (
            f"{unmapped} loaded rows have an LSOA code missing from the {version[0]} ONS "
            "lookup; they count as UNMAPPED at ward, district and CSP level"
        )
    return None


def _temp_root() -> str | None:
    shm = Path("/dev/shm")  # noqa: S108 - memory-backed scratch space when the OS has it
    try:
        if shm.is_dir() and shutil.disk_usage(shm).free > 2 * 1024**3:
            return str(shm)
    except OSError:
        return None
    return None


def _tidy_store(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """After a commit: remove stored files no current source_file row names (replaced
    downloads, and files kept by a load that was interrupted or rolled back)."""
    if not store.is_dir():
        return
    current = {
        str(row[0])
        for row in con.execute(
            "SELECT stored_as FROM source_file WHERE replaced_by IS NULL AND stored_as IS NOT NULL"
        ).fetchall()
    }
    for path in store.glob("*/*"):
        if f"{path.parent.name}/{path.name}" not in current and not path.name.endswith(".partial"):
            path.unlink(missing_ok=True)


def _chunks(group: list[_Prepared]) -> Iterator[list[_Prepared]]:
    """``group`` in runs of files of at most _GROUP_BYTES together (at least one file each)."""
    chunk: list[_Prepared] = []
    size = 0
    for prepared in group:
        if chunk and size + prepared.size > _GROUP_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(prepared)
        size += prepared.size
    if chunk:
        yield chunk


def _load_once(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[InputFile],
    workdir: Path,
    store: Path,
    *,
    verify: bool,
    progress: Progress | None,
    threads: int,
) -> LoadReport:
    report = LoadReport()
    prepared: list[_Prepared] = []

    def prepare(pair: tuple[int, InputFile]) -> _Prepared | FileOutcome:
        seq, item = pair
        try:
            return _prepare(item, workdir, store, seq, verify=verify)
        except _Refused as exc:
            return FileOutcome(name=item.name, status="refused", message=str(exc))

    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        for done, result in enumerate(pool.map(prepare, enumerate(items)), start=1):
            if isinstance(result, FileOutcome):
                report.files.append(result)
            else:
                prepared.append(result)
            if progress:
                progress("reading", done, len(items))
    con.execute("BEGIN TRANSACTION")
    try:
        to_load = _register(con, prepared, report)
        groups: dict[tuple[str, tuple[str, ...]], list[_Prepared]] = {}
        for p in to_load:
            groups.setdefault((p.fmt.dataset, p.header), []).append(p)
        done_files = 0
        for group in groups.values():
            for chunk in _chunks(group):
                _insert_quarantine(con, _load_group(con, chunk, workdir))
                done_files += len(chunk)
                if progress:
                    progress("loading", done_files, len(to_load))
        _record_counts(con, to_load)
        if to_load:
            warehouse.refresh_views(con)
        note = _geography_note(con, to_load)
        if note:
            report.notes.append(note)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    _tidy_store(con, store)
    return report


def load_police_uk_files(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[InputFile],
    *,
    progress: Progress | None = None,
    threads: int = 2,
) -> LoadReport:
    """Load police.uk input files into the warehouse in one transaction; see the module doc.

    Returns a :class:`LoadReport` with every file's outcome. Raises (after rolling back) only on
    an unexpected internal error; bad files and rows are reported, not raised.
    """
    store = warehouse.file_store(con)
    workdir = Path(tempfile.mkdtemp(prefix="saferhub-ingest-", dir=_temp_root()))
    try:
        try:
            return _load_once(
                con, items, workdir, store, verify=False, progress=progress, threads=threads
            )
        except _ReadFailed:
            # A gzip stream DuckDB could not read: nothing was committed (rolled back). Redo
            # the load with every file decompressed and checked in Python, which names the file.
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir()
            return _load_once(
                con, items, workdir, store, verify=True, progress=progress, threads=threads
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def load_police_uk(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path | str],
    *,
    progress: Progress | None = None,
) -> LoadReport:
    """Load police.uk files, folders (recursively), monthly zip archives or gzip files.

    Inside folders and archives, only files named like police.uk files are taken; a file named
    explicitly is always tried (and refused with a reason if it is not a police.uk file).
    """
    try:
        items = expand_inputs(paths, accept=is_police_uk_name)
    except InputError as exc:
        report = LoadReport()
        report.files.append(
            FileOutcome(name=str(exc).split(":", 1)[0], status="refused", message=str(exc))
        )
        return report
    return load_police_uk_files(con, items, progress=progress)
