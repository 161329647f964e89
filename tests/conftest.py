"""Shared fixtures: where the real open data lives (../shared/data, never copied here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The real police.uk and ONS data beside the repository (see its SOURCES.md)."""
    return Path(os.environ.get("SAFERHUB_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not (path / "SOURCES.md").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the shared open data is missing at {path}: CI must have it")
        pytest.skip(f"the shared open data is not at {path} (set SAFERHUB_SHARED_DATA)")
    return path
