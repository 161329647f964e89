"""The scorecard on a tiny hand-built warehouse, with expected figures worked out by plain loops."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from scipy import stats

from saferhub.analytics.disclosure import DisclosureRule
from saferhub.analytics.indicators import load_indicators
from saferhub.analytics.periods import months_between, resolve_period
from saferhub.analytics.scorecard import (
    AreaNotFoundError,
    NoDataError,
    compute_scorecards,
    load_geography,
    publish,
    scorecard,
)

from . import scorecard_warehouse as fixture


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return fixture.build(tmp_path / "warehouse.duckdb")


def expected_count(csp: str, crime_types: tuple[str, ...], first: date, last: date) -> int:
    """Independent count: loop over the fixture's LSOAs, types and months."""
    total = 0
    for district in fixture.DISTRICTS.values():
        if district[1] != csp:
            continue
        for lsoa in district[3]:
            for month in months_between(first, last):
                for crime_type in crime_types:
                    total += fixture.crimes(lsoa, crime_type, month)
    return total


def population(csp: str, year: int) -> int:
    return sum(
        max((y, n) for y, n in fixture.POPULATION[lad].items() if y <= year)[1]
        for lad, d in fixture.DISTRICTS.items()
        if d[1] == csp
    )


INDICATORS = load_indicators()


@pytest.mark.parametrize(
    "indicator", [i for i in INDICATORS if i.source == "police.uk"], ids=lambda i: i.id
)
def test_every_police_indicator_counts_and_rates(con: duckdb.DuckDBPyConnection, indicator) -> None:  # type: ignore[no-untyped-def]
    period = resolve_period("2022-Q2")
    one = INDICATORS.only([indicator.id])
    (result,) = scorecard(con, "E22000002", period, one)
    expected = expected_count("E22000002", indicator.crime_types, period.first, period.last)
    assert result.count == expected
    assert result.rate_per_1000 == pytest.approx(expected / population("E22000002", 2022) * 1000)
    assert result.complete


def test_all_crime_excludes_asb_and_unlocated_and_other_forces(
    con: duckdb.DuckDBPyConnection,
) -> None:
    period = resolve_period("2022-Q2")
    results = {r.indicator_id: r for r in scorecard(con, "Alpha", period, INDICATORS)}
    non_asb = ("Burglary", "Violence and sexual offences", "Drugs")
    assert results["all_crime"].count == expected_count(
        "E22000001", non_asb, period.first, period.last
    )
    assert results["asb"].count == expected_count(
        "E22000001", ("Anti-social behaviour",), period.first, period.last
    )


def test_change_and_significance_against_scipy(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2022-Q1")  # both periods complete (2021-05 is missing)
    (burglary,) = scorecard(con, "Alpha", period, INDICATORS.only(["burglary"]))
    now = expected_count("E22000001", ("Burglary",), date(2022, 1, 1), date(2022, 3, 1))
    before = expected_count("E22000001", ("Burglary",), date(2021, 1, 1), date(2021, 3, 1))
    assert (burglary.count, burglary.previous_count) == (now, before)
    assert burglary.change == now - before
    assert burglary.change_pct == pytest.approx((now - before) / before * 100)
    t1, t0 = population("E22000001", 2022), population("E22000001", 2021)
    reference = stats.binomtest(now, now + before, t1 / (t1 + t0))
    assert burglary.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert burglary.significant is True
    ci = reference.proportion_ci()
    assert burglary.ratio_ci_low == pytest.approx(ci.low / (1 - ci.low) * t0 / t1, rel=1e-6)
    assert burglary.rag == "red"  # a significant rise in burglary, lower is better


def test_missing_month_is_missing_not_zero(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2021-Q2")
    (result,) = scorecard(con, "Alpha", period, INDICATORS.only(["burglary"]))
    assert not result.complete
    expected = expected_count("E22000001", ("Burglary",), date(2021, 4, 1), date(2021, 6, 1))
    assert result.count == expected  # April and June only
    assert result.p_value is None and result.change is None and result.rag is None
    assert any("2021-05" in note and "leicestershire" in note for note in result.notes)
    index = result.series.months.index("2021-05")
    assert result.series.counts[index] is None
    assert "2021-05" not in result.series.outside


def test_population_fallback_is_noted(con: duckdb.DuckDBPyConnection) -> None:
    (result,) = scorecard(con, "Alpha", resolve_period("2022-Q2"), INDICATORS.only(["asb"]))
    assert result.population == 110_000 and result.population_year == 2021
    assert any("no mid-2022 estimate" in n and "mid-2021" in n for n in result.notes)


def test_peer_rank_and_mean_against_hand_calculation(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2022-Q1")
    types = ("Violence and sexual offences",)
    rates = {
        csp: expected_count(csp, types, period.first, period.last) / population(csp, 2022) * 1000
        for csp in ("E22000001", "E22000002", "E22000003")
    }
    (result,) = scorecard(con, "Gamma", period, INDICATORS.only(["violence_sexual"]))
    mean = sum(rates.values()) / 3
    assert result.peer_mean_rate == pytest.approx(mean)
    assert result.peer_size == 3
    assert result.peer_rank == 1 + sum(r > rates["E22000003"] for r in rates.values())
    expected = mean * population("E22000003", 2022) / 1000
    x = result.count
    assert x is not None
    pmf = stats.poisson.pmf(range(0, 20000), expected)
    d = stats.poisson.pmf(x, expected)
    assert result.peer_p_value == pytest.approx(pmf[pmf <= d * (1 + 1e-7)].sum(), rel=1e-6)
    assert result.peer_comparison == (
        "similar"
        if result.peer_p_value >= 0.05
        else ("above" if rates["E22000003"] > mean else "below")
    )


def test_spc_flags_the_spike(con: duckdb.DuckDBPyConnection) -> None:
    (result,) = scorecard(
        con, "Gamma", resolve_period("2022-Q1"), INDICATORS.only(["violence_sexual"])
    )
    assert "2022-03" in result.series.outside
    assert len(result.series.months) == 24 and result.series.months[-1] == "2022-03"


def test_user_defined_peer_group(con: duckdb.DuckDBPyConnection) -> None:
    (result,) = scorecard(
        con, "Alpha", resolve_period("2022-Q1"), INDICATORS.only(["asb"]), peers=["Gamma"]
    )
    assert result.peer_size == 2
    assert set(result.peer_codes) == {"E22000001", "E22000003"}


def test_partner_indicators(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2022-Q2")
    results = {r.indicator_id: r for r in scorecard(con, "Alpha", period, INDICATORS)}
    assert results["domestic_abuse_crimes"].count == 7 + 2
    assert results["hate_crimes_race"].count == 2
    assert results["hate_crimes_religion"].count == 0  # Beta's record is not Alpha's
    assert results["marac_referrals"].count == 13
    assert results["marac_repeat_referrals"].count == 5
    assert results["hate_incidents"].count is None  # no such dataset loaded: missing
    beta = {
        r.indicator_id: r for r in scorecard(con, "Beta", period, INDICATORS.only(["hate_crimes"]))
    }
    assert beta["hate_crimes"].count == 4  # a CSP-level record counts for its CSP
    north = scorecard(con, "Beta North", period, INDICATORS.only(["hate_crimes"]))
    assert north[0].count == 0  # ... but cannot be split between its districts


def test_district_county_and_force_areas(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2022-Q1")
    one = INDICATORS.only(["asb"])
    (district,) = scorecard(con, "E07000003", period, one)
    (force,) = scorecard(con, "E23000021", period, one)
    (county,) = scorecard(con, "E10000018", period, one)
    total = sum(
        expected_count(c, ("Anti-social behaviour",), period.first, period.last)
        for c in ("E22000001", "E22000002", "E22000003")
    )
    assert force.count == county.count == total
    assert district.area_type == "district"
    assert district.count == sum(
        fixture.crimes("B2", "Anti-social behaviour", m) for m in period.months
    )


def test_unknown_area_suggests_names(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(AreaNotFoundError, match="Did you mean: Gamma"):
        scorecard(con, "Gama", resolve_period("2022-Q1"), INDICATORS)


def test_period_without_data_says_what_is_missing(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NoDataError, match="leicestershire"):
        scorecard(con, "Alpha", resolve_period("2030-Q1"), INDICATORS)


def test_many_areas_equal_one_at_a_time(con: duckdb.DuckDBPyConnection) -> None:
    geography = load_geography(con)
    periods = [resolve_period("2022-Q1"), resolve_period("2022-Q2")]
    many = compute_scorecards(con, geography.of_type("csp"), periods, INDICATORS)
    for csp in geography.of_type("csp"):
        for period in periods:
            single = scorecard(con, csp.code, period, INDICATORS)
            batch = [r for r in many if r.area_code == csp.code and r.period == period.label]
            exact = (
                "indicator_id",
                "count",
                "previous_count",
                "change",
                "peer_rank",
                "peer_size",
                "rag",
                "complete",
                "notes",
                "peer_comparison",
            )
            for one, other in zip(single, batch, strict=True):
                assert [getattr(one, f) for f in exact] == [getattr(other, f) for f in exact]
                for f in ("rate_per_1000", "p_value", "peer_mean_rate", "peer_p_value"):
                    a, b = getattr(one, f), getattr(other, f)
                    assert (a is None and b is None) or a == pytest.approx(b, rel=1e-12)


def test_published_hides_small_counts_and_what_reveals_them(con: duckdb.DuckDBPyConnection) -> None:
    period = resolve_period("2022-Q2")
    internal = scorecard(con, "Alpha", period, INDICATORS)
    published = {r.indicator_id: r for r in publish(internal, INDICATORS, DisclosureRule())}
    hate = published["hate_crimes_race"]
    assert hate.count is None and hate.rate_per_1000 is None and "count" in hate.suppressed
    assert {r.indicator_id: r for r in internal}["hate_crimes_race"].count == 2  # internal exact
    # all crime = its crime types: every published part plus the total leave no single gap.
    parts = INDICATORS.additive_groups()[0][1]
    hidden = [p for p in parts if published[p].count is None]
    assert len(hidden) != 1


def test_percentage_change_hidden_on_small_base(con: duckdb.DuckDBPyConnection) -> None:
    internal = scorecard(con, "Alpha", resolve_period("2022-Q1"), INDICATORS.only(["burglary"]))
    assert internal[0].change_pct is not None
    published = publish(internal, INDICATORS, DisclosureRule(min_change_base=10_000))
    assert published[0].change_pct is None and published[0].count == internal[0].count


def test_lancashire_missing_months_on_real_data(shared_data: Path, tmp_path: Path) -> None:
    ingest = pytest.importorskip("saferhub.analytics.ingest_police_uk")
    geography_module = pytest.importorskip("saferhub.analytics.geography")
    from saferhub.analytics import warehouse

    con = warehouse.connect(tmp_path / "real.duckdb")
    lookups = shared_data / "lookups"
    geography_module.load_geography(
        con,
        [
            lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
            lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv",
            lookups / "LAD19_CTY19_EN_LU_Apr2019.csv",
        ],
    )
    geography_module.load_population(con, sorted((shared_data / "population").glob("MYE4*.csv")))
    files = [
        shared_data / "police-uk" / m / f"{m}-{force}-street.csv.gz"
        for m in (
            "2019-12",
            "2020-01",
            "2020-02",
            "2020-03",
            "2020-04",
            "2020-05",
            "2020-06",
            "2020-07",
            "2020-08",
            "2020-09",
            "2020-10",
            "2020-11",
            "2020-12",
        )
        for force in ("lancashire", "leicestershire")
    ]
    ingest.load_police_uk(con, [f for f in files if f.exists()])
    period = resolve_period("2020-Q3")
    (preston,) = scorecard(con, "Preston", period, INDICATORS.only(["all_crime"]))
    assert not preston.complete
    assert any("2020-08, 2020-09" in n and "lancashire" in n for n in preston.notes)
    months = dict(zip(preston.series.months, preston.series.counts, strict=True))
    assert months["2020-06"] is None and months["2020-08"] is None and months["2020-07"]
    (charnwood,) = scorecard(con, "Charnwood", period, INDICATORS.only(["all_crime"]))
    assert (
        charnwood.complete and charnwood.count and charnwood.peer_size and charnwood.peer_size >= 7
    )
    direct = con.execute(
        """
        SELECT count(*) FROM street_crime JOIN geo_lsoa USING (lsoa_code)
        JOIN geo_lad USING (lad_code)
        WHERE geo_lad.csp_name = 'Charnwood' AND crime_type <> 'Anti-social behaviour'
          AND month BETWEEN DATE '2020-07-01' AND DATE '2020-09-01'
        """
    ).fetchone()
    assert direct is not None and charnwood.count == direct[0]


def test_batch_series_match_the_control_chart_month_by_month(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The batch shares one centre/limit value per calendar year: check every month."""
    from saferhub.analytics.periods import parse_month
    from saferhub.analytics.spc import control_chart

    def exposure(csp: str, year: int) -> float:
        try:
            return population(csp, year)
        except ValueError:  # no estimate yet: the engine charts counts (exposure 1)
            return 1.0

    geography = load_geography(con)
    periods = [resolve_period("2021-Q3"), resolve_period("2022-Q1"), resolve_period("2022-Q2")]
    results = compute_scorecards(con, geography.of_type("csp"), periods, INDICATORS)
    by_id = {i.id: i for i in INDICATORS}
    checked = 0
    for result in results:
        series = result.series
        if not any(c is not None for c in series.counts):
            continue
        exposures = (
            [exposure(result.area_code, parse_month(m).year) for m in series.months]
            if by_id[result.indicator_id].has_rate
            else None
        )
        chart = control_chart(series.counts, exposures)
        for got, want in (
            (series.centre, chart.centre),
            (series.lower, chart.lower),
            (series.upper, chart.upper),
        ):
            assert got == pytest.approx(want, abs=1e-6)
        assert series.outside == tuple(series.months[i] for i in chart.outside)
        checked += 1
    assert checked > 100


def test_series_limits_varying_within_a_year_are_kept_month_by_month(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared per-year limits are only a shortcut: other limits are kept as they are."""
    import numpy as np

    from saferhub.analytics import scorecard as module
    from saferhub.analytics.spc import control_limits as real

    def drifting(counts, exposures=None):  # type: ignore[no-untyped-def]
        centre, lower, upper = real(counts, exposures)
        drift = np.arange(counts.shape[-1]) * 0.25
        return centre + drift, lower, upper + drift

    monkeypatch.setattr(module, "control_limits", drifting)
    (result,) = scorecard(con, "Alpha", resolve_period("2022-Q1"), INDICATORS.only(["burglary"]))
    assert len(set(result.series.centre)) == 24


def test_garbage_collector_state_is_restored(con: duckdb.DuckDBPyConnection) -> None:
    import gc

    geography = load_geography(con)
    periods = [resolve_period("2022-Q1")]
    assert gc.isenabled()
    assert compute_scorecards(con, geography.of_type("csp"), periods, INDICATORS)
    assert gc.isenabled()
    gc.disable()
    try:
        compute_scorecards(con, geography.of_type("csp"), periods, INDICATORS)
        assert not gc.isenabled()
    finally:
        gc.enable()
