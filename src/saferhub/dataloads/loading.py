"""Running the ingest engine on a load's stored files: the one place the web service writes
the DuckDB warehouse, called only by the background worker.

police.uk files (plain, gzipped, or monthly zip archives) go to
``analytics.ingest_police_uk.load_police_uk_files``; partner CSV files to
``analytics.partner.load_partner``. Each of those loads runs in one warehouse transaction, so
a failure or a killed worker leaves the warehouse as it was (a load holding both kinds of
file is two transactions: police.uk first). Refused files and quarantined rows are reported,
never raised. This module knows nothing of Django models: it takes paths and returns plain data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from saferhub.analytics import warehouse
from saferhub.analytics.ingest_inputs import InputError, InputFile, expand_inputs
from saferhub.analytics.ingest_police_uk import is_police_uk_name, load_police_uk_files
from saferhub.analytics.ingest_report import FileOutcome, LoadReport
from saferhub.analytics.partner import load_partner

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stage is a sentence for the load's page."""

QUARANTINE_KEPT = 20_000
"""The most quarantined rows copied to the load's report (the warehouse keeps them all)."""

RAW_KEPT = 500
"""Characters of a quarantined row's text kept in the report."""


class WarehouseBusyError(RuntimeError):
    """The warehouse stayed locked by another process for longer than we wait."""


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file on disk: the name the analyst gave it, where it is, its kind."""

    name: str
    path: Path
    kind: str  # "police_uk" | "partner"


@dataclass
class LoadResult:
    """What one load did: the report (plain data, ready for JSON) and quarantined rows."""

    report: dict[str, Any]
    quarantined: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    changed: bool = False
    """True if the warehouse's figures changed (a file was loaded or replaced)."""


def _connect(path: Path, progress: Progress, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """A read-write connection, waiting while another process (a page computing a scorecard,
    another worker) holds the warehouse."""
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            return warehouse.connect(path)
        except duckdb.IOException as error:
            if time.monotonic() > deadline:
                raise WarehouseBusyError(
                    f"the warehouse stayed busy for {wait_seconds:.0f} seconds: {error}"
                ) from error
            if not told:
                progress("Waiting for the warehouse to be free", 0, 0)
                told = True
            time.sleep(0.5)


def _police_items(files: Sequence[StoredFile]) -> tuple[list[InputFile], list[FileOutcome]]:
    """Input files for the police.uk loader, named as the analyst knows them (archive members
    as ``archive.zip!folder/file.csv``); archives with no police.uk files are refused."""
    items: list[InputFile] = []
    refused: list[FileOutcome] = []
    for stored in files:
        try:
            found = expand_inputs([stored.path], accept=is_police_uk_name)
        except InputError as error:
            refused.append(FileOutcome(name=stored.name, status="refused", message=str(error)))
            continue
        if not found:
            refused.append(
                FileOutcome(
                    name=stored.name,
                    status="refused",
                    message="the archive holds no police.uk files (named like "
                    "YYYY-MM/YYYY-MM-<force>-street.csv, -outcomes.csv or -stop-and-search.csv)",
                )
            )
        for item in found:
            name = f"{stored.name}!{item.member}" if item.member else stored.name
            items.append(dataclasses.replace(item, name=name))
    return items, refused


def _outcome_data(outcome: FileOutcome, kind: str) -> dict[str, Any]:
    data = dataclasses.asdict(outcome)
    data["reasons"] = dict(sorted(outcome.reasons.items()))
    data["kind"] = kind
    return data


def load_stored_files(
    files: Sequence[StoredFile],
    warehouse_path: Path,
    *,
    progress: Progress,
    wait_seconds: float = 300.0,
) -> LoadResult:
    """Load the files into the warehouse at ``warehouse_path`` and report every file's outcome
    and the rows quarantined. Raises only on an unexpected error (after the analytics load
    has rolled back) or WarehouseBusyError."""
    police = [f for f in files if f.kind == "police_uk"]
    partner = [f for f in files if f.kind == "partner"]
    outcomes: list[dict[str, Any]] = []
    notes: list[str] = []
    file_ids: list[int] = []
    quarantined: list[tuple[str, int | None, str, str]] = []
    quarantine_total = 0
    con = _connect(warehouse_path, progress, wait_seconds)
    try:
        if police:
            items, refused = _police_items(police)
            stages = {
                "reading": "Checking the police.uk files",
                "loading": "Loading police.uk rows into the warehouse",
            }
            progress(stages["reading"], 0, len(items))
            report = (
                load_police_uk_files(
                    con,
                    items,
                    progress=lambda stage, done, total: progress(
                        stages.get(stage, stage), done, total
                    ),
                )
                if items
                else LoadReport()
            )
            report.files.extend(refused)
            outcomes.extend(_outcome_data(o, "police_uk") for o in report.files)
            notes.extend(report.notes)
        if partner:
            progress("Loading partner data files", 0, len(partner))
            folder = partner[0].path.parent
            names = {f.path.name: f.name for f in partner}
            # The partner loader records each file under the path it is given: load from the
            # upload folder with bare names, so the warehouse and the report show the file's
            # own name rather than a server path. The worker runs one load at a time.
            with contextlib.chdir(folder):
                report = load_partner(con, [Path(f.path.name) for f in partner])
            for outcome in report.files:
                outcome.name = names.get(outcome.name, outcome.name)
            outcomes.extend(_outcome_data(o, "partner") for o in report.files)
            notes.extend(report.notes)
            progress("Loading partner data files", len(partner), len(partner))
        progress("Writing the report", 0, 0)
        file_ids = [o["file_id"] for o in outcomes if o["file_id"] is not None]
        if file_ids:
            quarantined, quarantine_total = _quarantined_rows(con, file_ids, outcomes)
    finally:
        con.close()
    totals = {
        status: sum(1 for o in outcomes if o["status"] == status)
        for status in ("loaded", "replaced", "skipped", "refused")
    }
    totals.update(
        files=len(outcomes),
        rows_read=sum(o["rows_read"] for o in outcomes),
        rows_loaded=sum(o["rows_loaded"] for o in outcomes),
        rows_quarantined=sum(o["rows_quarantined"] for o in outcomes),
    )
    return LoadResult(
        report={
            "files": outcomes,
            "notes": notes,
            "totals": totals,
            "quarantine_total": quarantine_total,
            "quarantine_kept": len(quarantined),
        },
        quarantined=quarantined,
        changed=bool(totals["loaded"] or totals["replaced"]),
    )


def _quarantined_rows(
    con: duckdb.DuckDBPyConnection, file_ids: list[int], outcomes: list[dict[str, Any]]
) -> tuple[list[tuple[str, int | None, str, str]], int]:
    """The rows this load quarantined (file as the analyst named it, line, reason, text)."""
    names = {o["file_id"]: o["name"] for o in outcomes if o["file_id"] is not None}
    counted = con.execute(
        "SELECT count(*) FROM quarantine WHERE list_contains(?, file_id)", [file_ids]
    ).fetchone()
    total = int(counted[0]) if counted else 0
    rows = con.execute(
        """
        SELECT file_id, file_name, line, reason, raw FROM quarantine
        WHERE list_contains(?, file_id) ORDER BY file_id, line NULLS LAST LIMIT ?
        """,
        [file_ids, QUARANTINE_KEPT],
    ).fetchall()
    kept = [
        (
            str(names.get(file_id, file_name)),
            int(line) if line is not None else None,
            str(reason),
            str(raw or "")[:RAW_KEPT],
        )
        for file_id, file_name, line, reason, raw in rows
    ]
    return kept, total
