"""Fixtures for board report tests: the hand-built scorecard warehouse (one force, three
CSPs) with a file record per month, and a partnership for CSP "Alpha" (E22000001)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.analytics import scorecard_warehouse

PERIOD = "2022-Q2"


def add_source_files(con: Any) -> None:
    """One street file per month, as a real load records it (name and checksum)."""
    for number, month in enumerate(scorecard_warehouse.months(), start=1):
        if month in scorecard_warehouse.MISSING_MONTHS:
            continue
        name = f"{month:%Y-%m}/{month:%Y-%m}-leicestershire-street.csv"
        sha = hashlib.sha256(name.encode()).hexdigest()
        con.execute(
            "INSERT INTO source_file VALUES (?, 'street', 'leicestershire', ?, ?, ?, 1000, 10, 10,"
            " 0, now()::TIMESTAMP, NULL, NULL, NULL)",
            [number, month, name, sha],
        )


@pytest.fixture
def warehouse_path(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = scorecard_warehouse.build(path)
    add_source_files(con)
    con.close()
    settings.WAREHOUSE_PATH = path
    return path


@pytest.fixture
def alpha(partnership: Any, warehouse_path: Path) -> Any:
    """The test partnership, given CSP Alpha's area code."""
    partnership.code = "E22000001"
    partnership.is_synthetic = True
    partnership.save()
    return partnership


@pytest.fixture
def member(make_member: Callable[..., Any]) -> Callable[..., Any]:
    return make_member
