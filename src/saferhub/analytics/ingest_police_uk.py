"""Loading police.uk files (street, outcomes, stop-and-search) into the warehouse.

How a load works
----------------
1. *Prepare* each input file (two threads): decompress, take the sha256 of the uncompressed
   bytes, check the file name (``YYYY-MM-<force>-<dataset>.csv``) and header. A file that is not
   a police.uk file (wrong header, another format, binary, empty, corrupt gzip) is *refused*
   with a message saying why, and nothing from it is written. Header columns may come in any
   order; a UTF-8 byte-order mark and CRLF line endings are accepted. Lines that are not valid
   UTF-8 are quarantined as ``bad encoding`` here.
2. *Load*, all files in ONE DuckDB transaction: a file whose bytes were loaded before is
   skipped; a newer download of the same force, month and dataset replaces the older one
   (``source_file.replaced_by``). Rows are read by DuckDB's CSV reader with the schema given
   (no sniffing), checked in SQL (``police_uk_formats``), and inserted; rows with the wrong
   number of columns are caught by the reader, the others by the SQL checks, and all go to
   ``quarantine`` with the file, line number (header = line 1) and reason. ``crime_count`` is
   updated in the same transaction. If anything fails, or the process is killed, the
   transaction never commits and the warehouse is exactly as it was.

Line numbers assume no field contains a line break (police.uk never quotes one).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics import forces
from saferhub.analytics.ingest_inputs import InputError, InputFile, expand_inputs
from saferhub.analytics.ingest_report import FileOutcome, LoadReport, reason_category
from saferhub.analytics.police_uk_formats import DATASETS, FILE_NAME, PoliceUkFormat

__all__ = ["Progress", "is_police_uk_name", "load_police_uk", "load_police_uk_files"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a load runs."""

_BOM = codecs.BOM_UTF8


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
    plain_path: Path
    expected_rows: int
    encoding_errors: list[tuple[int, str]] = field(default_factory=list)
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


class _Refused(Exception):
    """A file is refused as a whole."""


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
    expected = set(fmt.columns)
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
    del expected
    return header


def _line_stats(data: bytes) -> int:
    """Data rows expected: lines after the header (blank lines make it differ: then the
    exact, slower accounting runs)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(lines - 1, 0)


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


def _prepare(item: InputFile, workdir: Path, seq: int) -> _Prepared:
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
        data = item.read_bytes()
    except InputError as exc:
        raise _Refused(str(exc)) from exc
    if not data.strip():
        raise _Refused("the file is empty: no header and no rows")
    sha = hashlib.sha256(data).hexdigest()
    size = len(data)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    header = _parse_header(data, fmt)
    encoding_errors: list[tuple[int, str]] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data, encoding_errors = _sanitise_encoding(data)
    plain = workdir / f"{seq:06d}.csv"
    plain.write_bytes(data)
    return _Prepared(
        item=item,
        fmt=fmt,
        force=slug,
        month=date(year, month_no, 1),
        sha256=sha,
        size=size,
        header=header,
        plain_path=plain,
        expected_rows=_line_stats(data) - len(encoding_errors),
        encoding_errors=encoding_errors,
    )


def _read_csv_sql(header: Sequence[str], *, parallel: bool = True) -> tuple[str, dict[str, str]]:
    columns = dict.fromkeys(header, "VARCHAR")
    sql = (
        "read_csv($paths, columns = $columns, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', filename = true, "
        "store_rejects = true, rejects_scan = '_rej_scan', rejects_table = '_rej_err', "
        f"parallel = {'true' if parallel else 'false'})"
    )
    return sql, columns


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _rej_err")
    con.execute("DROP TABLE IF EXISTS _rej_scan")


def _reject_reason(error_type: str, message: str) -> str:
    kind = error_type.upper()
    if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"wrong column count: {message}"
    if kind == "INVALID UNICODE":
        return "bad encoding: not UTF-8"
    return f"malformed CSV: {message}"


def _collect_rejects(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[int, str, str]]]:
    """Rejected lines by file path: (line, reason, raw line)."""
    rows = con.execute(
        """
        SELECT s.file_path, e.line, any_value(e.error_type ORDER BY e.column_idx),
               any_value(e.error_message ORDER BY e.column_idx DESC), any_value(e.csv_line)
        FROM _rej_err e JOIN _rej_scan s USING (scan_id, file_id)
        GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line
        """
    ).fetchall()
    found: dict[str, list[tuple[int, str, str]]] = {}
    for path, line, error_type, message, raw in rows:
        found.setdefault(str(path), []).append(
            (int(line), _reject_reason(str(error_type), str(message)), str(raw or "").strip())
        )
    return found


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection,
    file_id: int,
    file_name: str,
    entries: Sequence[tuple[int | None, str, str]],
) -> None:
    if not entries:
        return
    con.execute(
        """
        INSERT INTO quarantine (file_id, file_name, line, reason, raw)
        SELECT ?, ?, u.line, u.reason, u.raw
        FROM (SELECT unnest(?) AS line, unnest(?) AS reason, unnest(?) AS raw) u
        """,
        [
            file_id,
            file_name,
            [e[0] for e in entries],
            [e[1] for e in entries],
            [e[2] for e in entries],
        ],
    )


def _exact_sql_rejects(
    con: duckdb.DuckDBPyConnection,
    prepared: _Prepared,
    reader_rejected: set[int],
) -> tuple[int, list[tuple[int | None, str, str]]]:
    """Re-read one file in order to find the rows the SQL checks refused, with line numbers.

    Returns DuckDB's count of parsed rows and the quarantine entries for refused rows.
    """
    fmt = prepared.fmt
    source, columns = _read_csv_sql(prepared.header, parallel=False)
    _drop_rejects(con)
    con.execute("DROP TABLE IF EXISTS _stage")
    con.execute(
        f"""
        CREATE TEMP TABLE _stage AS
        SELECT {fmt.reason_sql} AS _reason
        FROM (SELECT *, CAST($month AS DATE) AS _file_month FROM {source})
        """,  # noqa: S608 - the format's SQL is fixed text, values are bound
        {"paths": [str(prepared.plain_path)], "columns": columns, "month": prepared.month},
    )
    _drop_rejects(con)
    parsed = con.execute("SELECT count(*) FROM _stage").fetchone()
    parsed_rows = int(parsed[0]) if parsed else 0
    bad = con.execute(
        # Inside a transaction new rows get large transaction-local rowids: use the offset.
        "SELECT rowid - (SELECT min(rowid) FROM _stage), _reason FROM _stage "
        "WHERE _reason IS NOT NULL ORDER BY rowid"
    ).fetchall()
    con.execute("DROP TABLE _stage")
    if not bad:
        return parsed_rows, []
    data = prepared.plain_path.read_bytes()
    lines = data.split(b"\n")
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
    return parsed_rows, entries


def _load_group(
    con: duckdb.DuckDBPyConnection,
    group: list[_Prepared],
) -> None:
    """Insert the good rows of files sharing one format and header order; quarantine the rest."""
    fmt = group[0].fmt
    source, columns = _read_csv_sql(group[0].header)
    con.execute("DROP TABLE IF EXISTS _load_files")
    con.execute(
        "CREATE TEMP TABLE _load_files (path VARCHAR, file_id BIGINT, month DATE, force VARCHAR)"
    )
    con.execute(
        """
        INSERT INTO _load_files
        SELECT unnest(?), unnest(?), unnest(?::DATE[]), unnest(?)
        """,
        [
            [str(p.plain_path) for p in group],
            [p.file_id for p in group],
            [p.month for p in group],
            [p.force for p in group],
        ],
    )
    _drop_rejects(con)
    con.execute(
        f"""
        INSERT INTO {fmt.table}
        SELECT _file_id, _file_month, _force, {fmt.select_sql}
        FROM (
            SELECT r.*, f.file_id AS _file_id, f.month AS _file_month, f.force AS _force
            FROM {source} r JOIN _load_files f ON r.filename = f.path
        )
        WHERE ({fmt.reason_sql}) IS NULL
        """,  # noqa: S608 - table and SQL come from the fixed format definitions
        {"paths": [str(p.plain_path) for p in group], "columns": columns},
    )
    rejects = _collect_rejects(con)
    _drop_rejects(con)
    ids = [p.file_id for p in group]
    inserted = dict(
        con.execute(
            f"SELECT file_id, count(*) FROM {fmt.table} "  # noqa: S608 - fixed table name
            "WHERE file_id >= ? AND list_contains(?, file_id) GROUP BY file_id",
            [min(ids), ids],
        ).fetchall()
    )
    for prepared in group:
        outcome = prepared.outcome
        loaded = int(inserted.get(prepared.file_id, 0))
        reader = rejects.get(str(prepared.plain_path), [])
        entries: list[tuple[int | None, str, str]] = [
            (line, reason, "") for line, reason in prepared.encoding_errors
        ]
        entries.extend(reader)
        parsed_rows = loaded + len(reader)
        if loaded + len(reader) != prepared.expected_rows:
            parsed_rows, sql_rejects = _exact_sql_rejects(
                con, prepared, {line for line, _, _ in reader}
            )
            parsed_rows += len(reader)
            entries.extend(sql_rejects)
        entries.sort(key=lambda e: (e[0] is None, e[0] or 0))
        _insert_quarantine(con, prepared.file_id, prepared.item.name, entries)
        outcome.rows_loaded = loaded
        outcome.rows_quarantined = len(entries)
        outcome.rows_read = loaded + len(entries)
        if parsed_rows + len(prepared.encoding_errors) != outcome.rows_read:
            raise RuntimeError(
                f"{prepared.item.name}: rows do not add up: read {parsed_rows}, loaded "
                f"{loaded}, quarantined {len(entries)}"
            )
        outcome.reasons.update(reason_category(e[1]) for e in entries)
        con.execute(
            "UPDATE source_file SET rows_read = ?, rows_loaded = ?, rows_quarantined = ? "
            "WHERE file_id = ?",
            [outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, prepared.file_id],
        )
    con.execute("DROP TABLE _load_files")


def _register(
    con: duckdb.DuckDBPyConnection, prepared: list[_Prepared], report: LoadReport
) -> list[_Prepared]:
    """Skip already-loaded files, record new ones in source_file, retire replaced ones."""
    to_load: list[_Prepared] = []
    latest: dict[tuple[str, str, date], _Prepared] = {}
    seen_sha: dict[str, _Prepared] = {}
    for p in prepared:
        outcome = p.outcome
        report.files.append(outcome)
        earlier = con.execute(
            "SELECT name, replaced_by FROM source_file WHERE sha256 = ? AND dataset = ? "
            "ORDER BY file_id LIMIT 1",
            [p.sha256, p.fmt.dataset],
        ).fetchone()
        if earlier is not None:
            outcome.status = "skipped"
            outcome.message = f"already loaded (same content as {earlier[0]}" + (
                ", since replaced by a newer download)" if earlier[1] is not None else ")"
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
    for p in to_load:
        p.file_id = _next_file_id(con)
        p.outcome.file_id = p.file_id
        con.execute(
            """
            INSERT INTO source_file (file_id, dataset, force, month, name, sha256, bytes,
                rows_read, rows_loaded, rows_quarantined, loaded_at, replaced_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, now()::TIMESTAMP, NULL)
            """,
            [p.file_id, p.fmt.dataset, p.force, p.month, p.item.name, p.sha256, p.size],
        )
        old = con.execute(
            "SELECT file_id, name FROM source_file WHERE dataset = ? AND force = ? AND month = ? "
            "AND replaced_by IS NULL AND file_id <> ?",
            [p.fmt.dataset, p.force, p.month, p.file_id],
        ).fetchall()
        for old_id, old_name in old:
            con.execute(
                f"DELETE FROM {p.fmt.table} WHERE file_id = ?",  # noqa: S608 - fixed table
                [old_id],
            )
            con.execute("DELETE FROM quarantine WHERE file_id = ?", [old_id])
            con.execute(
                "UPDATE source_file SET replaced_by = ? WHERE file_id = ?", [p.file_id, old_id]
            )
            if p.fmt.dataset == "street":
                con.execute(
                    "DELETE FROM crime_count WHERE force = ? AND month = ?", [p.force, p.month]
                )
            p.outcome.status = "replaced"
            p.outcome.message = f"replaces an older download: {old_name}"
    return to_load


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new source_file id from the warehouse's sequence."""
    row = con.execute("SELECT nextval('source_file_seq')").fetchone()
    if row is None:  # pragma: no cover - a sequence always answers
        raise RuntimeError("source_file_seq gave no value")
    return int(row[0])


def _update_crime_count(con: duckdb.DuckDBPyConnection, loaded: list[_Prepared]) -> None:
    ids = [p.file_id for p in loaded if p.fmt.dataset == "street"]
    if not ids:
        return
    con.execute(
        """
        INSERT INTO crime_count (month, force, lsoa_code, crime_type, n)
        SELECT month, force, lsoa_code, crime_type, count(*)
        FROM street_crime WHERE file_id >= ? AND list_contains(?, file_id)
        GROUP BY ALL
        """,
        [min(ids), ids],
    )


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
    report = LoadReport()
    workdir = Path(tempfile.mkdtemp(prefix="saferhub-ingest-", dir=_temp_root()))
    try:
        prepared: list[_Prepared] = []

        def prepare(pair: tuple[int, InputFile]) -> _Prepared | FileOutcome:
            seq, item = pair
            try:
                return _prepare(item, workdir, seq)
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
                for start in range(0, len(group), 64):
                    chunk = group[start : start + 64]
                    _load_group(con, chunk)
                    done_files += len(chunk)
                    if progress:
                        progress("loading", done_files, len(to_load))
            _update_crime_count(con, to_load)
            note = _geography_note(con, to_load)
            if note:
                report.notes.append(note)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


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
