"""Downloading police.uk monthly archives and loading one force's files from them.

police.uk publishes ``https://data.police.uk/data/archive/YYYY-MM.zip``; each archive holds
``YYYY-MM/YYYY-MM-<force>-<dataset>.csv`` for every force (and, for recent archives, earlier
months too). For each month asked for, we download that month's archive to a temporary file,
take only the chosen force's files for that month, and load them like any other police.uk
files (one transaction for the whole fetch). The site keeps about 36 months, so an archive
that is no longer published is reported, not fatal for the other months.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics import forces
from saferhub.analytics.ingest_inputs import InputError, InputFile, expand_inputs
from saferhub.analytics.ingest_police_uk import Progress, load_police_uk_files
from saferhub.analytics.ingest_report import FileOutcome, LoadReport

__all__ = ["DEFAULT_BASE_URL", "fetch_police_uk", "months_between"]

DEFAULT_BASE_URL = "https://data.police.uk/data/archive"


def _parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"{text!r} is not a YYYY-MM month") from None


def months_between(first: str, last: str) -> list[date]:
    """Every month from ``first`` to ``last`` (YYYY-MM, inclusive); ValueError if reversed."""
    start, end = _parse_month(first), _parse_month(last)
    if end < start:
        raise ValueError(f"--to {last} is before --from {first}")
    months = []
    current = start
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _member_filter(prefix: str) -> Callable[[str], bool]:
    """Accept archive members named ``<prefix>*.csv`` (one force, one month)."""

    def accept(name: str) -> bool:
        return name.startswith(prefix)

    return accept


def _download(url: str, target: Path, timeout: float) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"refusing to fetch {url!r}: only http(s) URLs")
    with (
        urllib.request.urlopen(url, timeout=timeout) as response,  # noqa: S310 - scheme checked
        target.open("wb") as out,
    ):
        shutil.copyfileobj(response, out, length=1 << 20)


def fetch_police_uk(
    con: duckdb.DuckDBPyConnection,
    *,
    force: str,
    first: str,
    last: str,
    base_url: str = DEFAULT_BASE_URL,
    timeout: float = 120.0,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> LoadReport:
    """Download the monthly archives from ``first`` to ``last`` and load ``force``'s files.

    An archive that cannot be downloaded is reported as a refused input (so the command exits
    non-zero) without stopping the other months. ValueError for an unknown force or bad months.
    """
    if not forces.is_known_force(force):
        raise ValueError(f"unknown police.uk force {force!r}")
    months = months_between(first, last)
    report = LoadReport()
    workdir = Path(tempfile.mkdtemp(prefix="saferhub-fetch-"))
    try:
        items: list[InputFile] = []
        for month in months:
            label = month.strftime("%Y-%m")
            url = f"{base_url.rstrip('/')}/{label}.zip"
            target = workdir / f"{label}.zip"
            if log:
                log(f"downloading {url}")
            try:
                _download(url, target, timeout)
                found = expand_inputs([target], accept=_member_filter(f"{label}-{force}-"))
            except (urllib.error.URLError, OSError, InputError, ValueError) as exc:
                report.files.append(
                    FileOutcome(name=url, status="refused", message=f"cannot download: {exc}")
                )
                continue
            if not found:
                report.notes.append(f"{url} has no files for {force} in {label}")
            items.extend(found)
        report.merge(load_police_uk_files(con, items, progress=progress))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report
