"""Data load fixtures: a private upload folder and warehouse per test, small files."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

POLICE_UK_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)


def street_line(crime_id: str, month: str = "2020-01", crime_type: str = "Burglary") -> str:
    """One police.uk street row."""
    return (
        f"{crime_id},{month},Leicestershire Police,Leicestershire Police,-1.130000,52.630000,"
        f"On or near Test Street,E01025511,Leicester 001A,{crime_type},Under investigation,"
    )


def street_csv(
    rows: int = 3, month: str = "2020-01", bad_lines: dict[int, str] | None = None
) -> bytes:
    """A police.uk street file: ``rows`` good rows; ``bad_lines`` replaces lines (header = 1)."""
    lines = [POLICE_UK_HEADER] + [street_line(f"id{i}", month) for i in range(rows)]
    for number, text in (bad_lines or {}).items():
        lines[number - 1] = text
    return ("\n".join(lines) + "\n").encode()


PARTNER_CSV = (
    b"dataset,month,date,area_code,category,markers,count\n"
    b"da-helpline-calls,2020-01,,E22000368,answered,,212\n"
    b"hate-incidents,2020-01,2020-01-03,E01032134,race,hate:race,\n"
    b"hate-incidents,2020-13,,E01032134,race,hate:race,\n"
)
"""Partner data: two good rows and one bad month on line 4."""


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def gz(content: bytes) -> bytes:
    return gzip.compress(content)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_dirs(settings: Any, tmp_path: Path) -> Path:
    """Each test gets its own upload folder and warehouse."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    return tmp_path


def run_worker() -> None:
    """Run every queued task through django-tasks-db's real worker loop, in this process."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def warehouse_rows(path: Path) -> dict[str, int]:
    """Row counts of the warehouse tables a load writes (empty dict: no warehouse yet)."""
    import duckdb

    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]  # noqa: S608
            for table in (
                "source_file",
                "street_crime",
                "crime_count",
                "partner_record",
                "quarantine",
            )
        }
    finally:
        con.close()
