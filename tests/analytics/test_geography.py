"""ONS lookups and population: versions by year, CSPs of several districts, population fallback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import new_warehouse, snapshot

from saferhub.analytics.geography import (
    latest_geography_version,
    load_geography,
    load_population,
    population_for,
)


@pytest.fixture(scope="module")
def con(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    c = new_warehouse(tmp_path_factory.mktemp("geo") / "w.duckdb")
    report = load_geography(c, [shared_data / "lookups"])
    kinds = sorted(f.message.split(",")[0] for f in report.files if f.status == "loaded")
    assert kinds == [
        "county lookup",
        "county lookup",
        "csp lookup",
        "csp lookup",
        "csp lookup",
        "lsoa lookup",
    ]
    refused = {Path(f.name).name for f in report.files if f.status == "refused"}
    assert "CSP19_names_and_codes_EW_Dec2019.csv" in refused  # not a lookup: said so
    pop = load_population(
        c, [shared_data / "population" / "MYE4_population_summary_mid2001_to_mid2020_2021geog.csv"]
    )
    assert pop.ok and pop.rows_loaded == 420
    return c


def test_versions_come_from_the_column_years(con) -> None:  # type: ignore[no-untyped-def]
    versions = con.execute("SELECT DISTINCT version FROM geo_lad ORDER BY 1").fetchall()
    assert versions == [(2017,), (2018,), (2019,), (2020,)]
    assert latest_geography_version(con) == 2019
    assert latest_geography_version(con, need="county") == 2020
    assert con.execute("SELECT count(*), count(DISTINCT lsoa_code) FROM geo_lsoa").fetchone() == (
        34753,
        34753,
    )
    dupes = con.execute(
        "SELECT count(*) FROM (SELECT version, lad_code FROM geo_lad GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()
    assert dupes == (0,)


def test_a_csp_covers_several_districts(con) -> None:  # type: ignore[no-untyped-def]
    north = con.execute(
        "SELECT lad_name, county_code FROM geo_lad WHERE version = 2019 AND csp_code = 'E22000368' "
        "ORDER BY 1"
    ).fetchall()
    assert [n for n, _ in north] == ["Bromsgrove", "Redditch", "Wyre Forest"]
    assert {c for _, c in north} == {"E10000034"}  # Worcestershire county, same version
    split = con.execute(
        "SELECT lad_code, count(*) FROM geo_lad_split WHERE version = 2019 GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert split == [("E06000058", 3), ("E07000244", 2)]


def test_population_with_fallback_and_csp_sum(con) -> None:  # type: ignore[no-untyped-def]
    leicester = population_for(con, "E06000016", 2020)
    assert leicester is not None and not leicester.fallback and leicester.population > 300_000
    later = population_for(con, "E06000016", 2022)
    assert (
        later is not None and later.year_used == 2020 and later.population == leicester.population
    )
    assert "used mid-2020" in later.note
    assert population_for(con, "E06000016", 1999) is None
    north = population_for(con, "E22000368", 2019)
    parts = con.execute(
        "SELECT sum(population) FROM population WHERE year = 2019 AND area_code IN "
        "('E07000234', 'E07000236', 'E07000239')"
    ).fetchone()
    assert north is not None and parts is not None and north.population == parts[0]
    header_with_space = con.execute("SELECT count(*) FROM population WHERE year = 2006").fetchone()
    assert header_with_space is not None and header_with_space[0] > 300


def test_reloading_is_skipped_and_changes_nothing(con, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(con)
    report = load_geography(con, [shared_data / "lookups" / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv"])
    assert report.files[0].status == "skipped"
    assert snapshot(con) == before
