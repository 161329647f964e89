"""The web service's view of the DuckDB warehouse: where it is, short read-only connections,
and a fingerprint of what is loaded (so stored runs know when they are out of date).

Only the data-load worker writes to the warehouse. DuckDB lets one process write or several
read, so pages never hold a connection open: they read stored runs from the database, and
open the warehouse briefly (retrying while a load holds it) only to compute a run.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from django.conf import settings

from saferhub.analytics import warehouse


class WarehouseBusyError(RuntimeError):
    """A data load holds the warehouse; try again in a moment."""


def warehouse_path() -> Path:
    """The warehouse file the web service uses (SAFERHUB_WAREHOUSE, or the data directory)."""
    return Path(settings.WAREHOUSE_PATH)


@contextmanager
def read_only(wait_seconds: float = 10.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse, created with its schema if it does not exist."""
    path = warehouse_path()
    if not path.exists():
        warehouse.connect(path).close()
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException as error:
            if time.monotonic() > deadline:
                raise WarehouseBusyError(
                    "The warehouse is busy with a data load. Try again in a minute."
                ) from error
            time.sleep(0.2)
    try:
        yield con
    finally:
        con.close()


def current_inputs(con: duckdb.DuckDBPyConnection) -> list[dict[str, str | int | None]]:
    """Every file the warehouse's current figures come from, with its checksum."""
    rows = con.execute(
        """
        SELECT file_id, dataset, force, strftime(month, '%Y-%m'), name, sha256, rows_loaded
        FROM source_file WHERE replaced_by IS NULL ORDER BY file_id
        """
    ).fetchall()
    return [
        {
            "file_id": file_id,
            "dataset": dataset,
            "force": force,
            "month": month,
            "name": name,
            "sha256": sha,
            "rows_loaded": rows_loaded,
        }
        for file_id, dataset, force, month, name, sha, rows_loaded in rows
    ]


def fingerprint(inputs: list[dict[str, str | int | None]]) -> str:
    """One hash of the current inputs: changes whenever a file is loaded or replaced."""
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(f"{item['file_id']}:{item['sha256']}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class WarehouseState:
    """What the warehouse holds now: its inputs, their fingerprint and the months covered."""

    inputs: list[dict[str, str | int | None]]
    fingerprint: str
    first_month: date | None
    last_month: date | None
    """First and last month with police.uk crime counts (None when none is loaded)."""


_state_cache: dict[str, tuple[tuple[int, ...], WarehouseState]] = {}
_state_lock = threading.Lock()


def _stat_key(path: Path) -> tuple[int, ...]:
    """Changes whenever DuckDB writes the file or its write-ahead log."""
    key: list[int] = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            info = candidate.stat()
        except FileNotFoundError:
            key += [0, 0]
            continue
        key += [info.st_mtime_ns, info.st_size]
    return tuple(key)


def state() -> WarehouseState:
    """The warehouse's current state, read once per change of the file.

    Pages call this on every request: while the file (and its write-ahead log) are unchanged
    since the last read, the answer is kept in memory, so a page reads no warehouse at all.
    Any load writes the file, so the next call reads the new state.
    """
    path = warehouse_path()
    key = _stat_key(path)
    cached = _state_cache.get(str(path))
    if cached is not None and cached[0] == key and key[0]:
        return cached[1]
    with _state_lock:
        with read_only() as con:
            inputs = current_inputs(con)
            span = con.execute("SELECT min(month), max(month) FROM crime_count").fetchone()
        result = WarehouseState(
            inputs=inputs,
            fingerprint=fingerprint(inputs),
            first_month=span[0] if span else None,
            last_month=span[1] if span else None,
        )
        # The key read before the warehouse was opened: a load that wrote meanwhile changes
        # the file again, so the next call reads afresh.
        _state_cache[str(path)] = (key if key[0] else _stat_key(path), result)
        return result
