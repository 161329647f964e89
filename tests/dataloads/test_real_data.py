"""A real police.uk file (read from the shared data, never copied here) uploaded through the
page and loaded by the worker: every row is accounted for."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from saferhub.dataloads.models import DataLoad
from saferhub.organisations.rules import Role
from saferhub.performance.warehouse import current_inputs, read_only
from tests.dataloads.conftest import run_worker, upload, warehouse_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_leicestershire_file_uploads_and_loads(
    shared_data: Path, signed_in: Any, settings: Any
) -> None:
    source = shared_data / "police-uk" / "2018-10" / "2018-10-leicestershire-street.csv.gz"
    content = source.read_bytes()
    rows = gzip.decompress(content).decode("utf-8-sig").strip().count("\n")  # minus the header
    client, _ = signed_in(Role.ANALYST)
    response = client.post("/data/upload", {"data_files": [upload(source.name, content)]})
    assert response.status_code == 302
    run_worker()
    load = DataLoad.objects.get()
    assert load.status == "succeeded", load.error
    (outcome,) = load.file_outcomes
    assert outcome["name"] == source.name and outcome["status"] == "loaded"
    assert (outcome["dataset"], outcome["force"], outcome["month"]) == (
        "street",
        "leicestershire",
        "2018-10",
    )
    assert outcome["rows_read"] == rows
    assert outcome["rows_loaded"] + outcome["rows_quarantined"] == rows
    counts = warehouse_rows(Path(settings.WAREHOUSE_PATH))
    assert counts["street_crime"] == outcome["rows_loaded"]
    with read_only() as con:
        (stored,) = current_inputs(con)
    assert stored["name"] == source.name and stored["rows_loaded"] == outcome["rows_loaded"]
    page = client.get(response["Location"]).content.decode()
    assert f"{outcome['rows_loaded']:,}" in page and source.name in page
