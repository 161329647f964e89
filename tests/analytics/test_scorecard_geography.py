"""The scorecard's areas combine the latest CSP lookup with the latest county lookup.

ONS publishes district -> CSP -> police force area and district -> county as separate files,
often of different years. Loading the whole lookups folder (2017-2019 CSP lookups, 2019 and
2020 county lookups) must still resolve unitary districts such as Leicester, whose CSP is only
in the 2019 CSP lookup, and counties such as Leicestershire with their CSPs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from saferhub.analytics import warehouse
from saferhub.analytics.geography import load_geography as load_lookups
from saferhub.analytics.scorecard import load_geography


@pytest.fixture(scope="module")
def con(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    c = warehouse.connect(tmp_path_factory.mktemp("geo") / "w.duckdb")
    lookups = shared_data / "lookups"
    load_lookups(
        c,
        [
            lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
            lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv",
            lookups / "LAD20_CTY20_EN_LU_Apr2020.csv",
        ],
    )
    return c


def test_unitary_leicester_resolves_with_a_newer_county_lookup(
    con: duckdb.DuckDBPyConnection,
) -> None:
    geography = load_geography(con)
    leicester = geography.resolve("Leicester")
    assert (leicester.code, leicester.type) == ("E22000168", "csp")
    assert leicester.districts == ("E06000016",)
    assert leicester.pfa_codes == ("E23000021",)
    assert geography.lad_version == 2019


def test_county_has_its_districts_force_and_csps(con: duckdb.DuckDBPyConnection) -> None:
    county = load_geography(con).resolve("E10000018")
    assert county.type == "county" and county.name == "Leicestershire"
    assert len(county.districts) == 7 and "E06000016" not in county.districts
    assert county.pfa_codes == ("E23000021",)
    assert len(county.csps_within) == 7 and "E22000168" not in county.csps_within
