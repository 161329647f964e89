"""Real police.uk files for a real area load the same way as the demo's and fill the pages:
Leicestershire county (E10000018) with its seven CSPs, and unitary Leicester."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saferhub.analytics import geography, warehouse
from saferhub.analytics.ingest_police_uk import load_police_uk
from saferhub.organisations.rules import Role
from saferhub.performance.services import scorecard_run_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leicestershire(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("leicestershire") / "warehouse.duckdb"
    lookups = shared_data / "lookups"
    con = warehouse.connect(path)
    try:
        geography.load_geography(
            con,
            [
                lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
                lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv",
                lookups / "LAD20_CTY20_EN_LU_Apr2020.csv",
            ],
        )
        geography.load_population(
            con,
            [
                shared_data
                / "population"
                / "MYE4_population_summary_mid2001_to_mid2020_2021geog.csv"
            ],
        )
        files = sorted((shared_data / "police-uk").glob("2021-*/*-leicestershire-street.csv.gz"))
        files += sorted((shared_data / "police-uk").glob("2022-*/*-leicestershire-street.csv.gz"))
        report = load_police_uk(con, files)
        assert all(f.status == "loaded" for f in report.files)
    finally:
        con.close()
    return path


def test_county_dashboard_from_real_files(
    leicestershire: Path, settings: Any, signed_in: Any, partnership: Any
) -> None:
    settings.WAREHOUSE_PATH = leicestershire
    partnership.code = "E10000018"
    partnership.save()
    run = scorecard_run_for(partnership=partnership, period="2022-Q2")
    assert run.area_codes[0] == "E10000018" and len(run.area_codes) == 8
    assert "E22000168" not in run.area_codes  # Leicester is a unitary CSP outside the county
    burglary = next(r for r in run.results_for("E10000018") if r["indicator_id"] == "burglary")
    assert burglary["count"] and burglary["count"] > 300
    assert any(i["name"].endswith("2022-06-leicestershire-street.csv.gz") for i in run.inputs)
    client, _ = signed_in(Role.ANALYST)
    html = client.get(f"/performance/{partnership.slug}/?period=2022-Q2").content.decode()
    assert "Leicestershire" in html and "Charnwood" in html and "Synthetic data" not in html
    page = client.get(f"/performance/{partnership.slug}/indicators/burglary/?period=2022-Q2")
    assert page.status_code == 200
    assert "Loughborough" in page.content.decode()  # a Charnwood ward, from the ONS lookup


def test_unitary_leicester_resolves(leicestershire: Path, settings: Any, partnership: Any) -> None:
    settings.WAREHOUSE_PATH = leicestershire
    partnership.code = "E22000168"
    partnership.save()
    run = scorecard_run_for(partnership=partnership, period="2022-Q2")
    assert run.area_codes == ["E22000168"]
    names = {r["area_name"] for r in run.results}
    assert names == {"Leicester"}
