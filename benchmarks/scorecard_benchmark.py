"""Scorecard benchmark: every CSP in England and Wales, every default indicator, 12 quarters.

Builds (once, cached under benchmarks/work/) a national-scale warehouse: the real ONS lookups
and population from ../shared/data, and synthetic police.uk street rows (60 million by default,
120 months of all 43 territorial forces, with three months missing for Lancashire) plus the
``crime_count`` aggregate ingest maintains. Then times:

1. the SaferHub engine: ``compute_scorecards`` for every CSP x every default indicator x 12
   quarters (counts, rates, year-on-year significance, SPC series, peer ranks and peer tests);
2. a straightforward pandas implementation of the same computation (police.uk indicators),
   from street rows already in memory, at a size pandas fits (2 national years by default),
   beside the engine on the same subset.

Peak memory is the process's peak RSS. Re-run::

    .venv/bin/python benchmarks/scorecard_benchmark.py            # 60M rows, 3 repeats
    .venv/bin/python benchmarks/scorecard_benchmark.py --rows 6000000 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from saferhub.analytics import warehouse
from saferhub.analytics.forces import FORCES
from saferhub.analytics.indicators import load_indicators
from saferhub.analytics.periods import resolve_period
from saferhub.analytics.scorecard import compute_scorecards, load_geography

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
SHARED = Path(os.environ.get("SAFERHUB_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
MONTHS = 120
FIRST = date(2013, 1, 1)

CRIME_MIX = {  # shares (%) close to the real files' mix
    "Anti-social behaviour": 27,
    "Violence and sexual offences": 30,
    "Criminal damage and arson": 8,
    "Other theft": 6,
    "Shoplifting": 5,
    "Vehicle crime": 5,
    "Burglary": 5,
    "Public order": 7,
    "Drugs": 2,
    "Other crime": 1,
    "Robbery": 1,
    "Bicycle theft": 1,
    "Theft from the person": 1,
    "Possession of weapons": 1,
}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_ons(con: duckdb.DuckDBPyConnection) -> None:
    """The real ONS lookups (Dec-2019) and MYE4 population into the warehouse tables."""
    lookups = SHARED / "lookups"
    con.execute(
        """
        INSERT INTO geo_lsoa
        SELECT 2019, LSOA11CD, LSOA11NM, WD19CD, WD19NM, LAD19CD, LAD19NM
        FROM read_csv(?, header = true, all_varchar = true)
        """,
        [str(lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz")],
    )
    con.execute(
        """
        INSERT INTO geo_lad
        SELECT 2019, l.LAD19CD, l.LAD19NM, l.CSP19CD, l.CSP19NM, l.PFA19CD, l.PFA19NM,
               c.CTY19CD, c.CTY19NM
        FROM read_csv(?, header = true, all_varchar = true) AS l
        LEFT JOIN read_csv(?, header = true, all_varchar = true) AS c USING (LAD19CD)
        """,
        [
            str(lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv"),
            str(lookups / "LAD19_CTY19_EN_LU_Apr2019.csv"),
        ],
    )
    population = pd.read_csv(
        SHARED / "population" / "MYE4_population_summary_mid2001_to_mid2020_2021geog.csv",
        thousands=",",
    )
    population.columns = [c.strip() for c in population.columns]
    long = population.melt(
        id_vars=["Code", "Name", "Geography"], var_name="year", value_name="population"
    )
    long["year"] = long["year"].str.replace("Mid-", "").astype(int)
    long = long.dropna(subset=["population"])
    long["population"] = long["population"].astype(np.int64)
    con.register("population_frame", long[["Code", "Name", "year", "population"]])
    con.execute("INSERT INTO population SELECT * FROM population_frame")
    con.unregister("population_frame")
    # The 2019 lookup has districts merged by 2021 (e.g. Buckinghamshire): give them the
    # population share of their 2021 district so every CSP has a denominator.
    con.execute(
        """
        INSERT INTO population
        SELECT geo_lad.lad_code, geo_lad.lad_name, p.year, (p.population / 4)::BIGINT
        FROM geo_lad
        JOIN (SELECT DISTINCT lad_code FROM geo_lad) USING (lad_code)
        CROSS JOIN (SELECT year, avg(population) AS population FROM population
                    WHERE area_code LIKE 'E07%' GROUP BY year) AS p
        WHERE geo_lad.lad_code NOT IN (SELECT area_code FROM population)
        """
    )


def build_warehouse(path: Path, rows: int) -> None:
    """A national warehouse with ``rows`` synthetic street rows spread over 120 months."""
    if path.exists():
        path.unlink()
    con = warehouse.connect(path)
    load_ons(con)
    # The generated rows, kept in a table of their own as the pandas implementation's input
    # (SaferHub reads only crime_count; a real load keeps the files, docs/adr/0010).
    con.execute(
        "CREATE TABLE bench_street (file_id BIGINT, month DATE, force VARCHAR, "
        "lsoa_code VARCHAR, crime_type VARCHAR)"
    )
    con.execute("CREATE TEMP TABLE pfa_force (pfa_code VARCHAR, force VARCHAR)")
    con.executemany(
        "INSERT INTO pfa_force VALUES (?, ?)",
        [(f.pfa_code, f.slug) for f in FORCES if f.pfa_code],
    )
    con.execute(
        """
        CREATE TEMP TABLE lsoa_force AS
        SELECT (row_number() OVER (ORDER BY geo_lsoa.lsoa_code) - 1)::BIGINT AS idx,
               geo_lsoa.lsoa_code, pfa_force.force
        FROM geo_lsoa
        JOIN geo_lad USING (lad_code)
        JOIN pfa_force ON pfa_force.pfa_code = geo_lad.pfa_code
        """
    )
    con.execute("CREATE TEMP TABLE crime_mix (slot BIGINT, crime_type VARCHAR)")
    slots = [t for t, share in CRIME_MIX.items() for _ in range(share)]
    con.executemany("INSERT INTO crime_mix VALUES (?, ?)", list(enumerate(slots)))
    n_lsoa = con.execute("SELECT count(*) FROM lsoa_force").fetchone()[0]  # type: ignore[index]
    per_month = rows // MONTHS
    started = time.perf_counter()
    # LSOAs are skewed (a few busy town centres): the square of a uniform number.
    con.execute(
        """
        INSERT INTO bench_street (file_id, month, force, lsoa_code, crime_type)
        WITH generated AS (
            SELECT i,
                   (date_add(?::DATE, INTERVAL (i // ?) MONTH))::DATE AS month,
                   (hash(i, 'lsoa') % 1000000) / 1000000.0 AS u,
                   hash(i, 'type') % ? AS slot,
                   hash(i, 'where') % 100 < 4 AS no_location
            FROM range(?) AS r(i)
        )
        SELECT 1, generated.month, lsoa_force.force,
               CASE WHEN no_location THEN NULL ELSE lsoa_force.lsoa_code END,
               crime_mix.crime_type
        FROM generated
        JOIN lsoa_force ON lsoa_force.idx = (u * u * ?)::BIGINT
        JOIN crime_mix USING (slot)
        WHERE NOT (lsoa_force.force = 'lancashire'
                   AND generated.month IN (DATE '2020-06-01', DATE '2020-08-01', DATE '2020-09-01'))
        """,
        [FIRST, per_month, len(slots), per_month * MONTHS, n_lsoa - 1],
    )
    con.execute(
        """
        INSERT INTO crime_count
        SELECT month, force, lsoa_code, crime_type, count(*) FROM bench_street GROUP BY ALL
        """
    )
    total = con.execute("SELECT count(*) FROM bench_street").fetchone()[0]  # type: ignore[index]
    cells = con.execute("SELECT count(*) FROM crime_count").fetchone()[0]  # type: ignore[index]
    print(
        f"built {path.name}: {total:,} street rows, {cells:,} crime_count rows "
        f"in {time.perf_counter() - started:.0f}s"
    )
    con.close()


def upgrade_first_schema(path: Path) -> None:
    """A cached warehouse built before schema 2 kept the generated rows in street_crime: move
    them to bench_street and mark the file as schema 2 (crime_count, geography and population
    are the same in both), rather than spend minutes generating them again."""
    con = duckdb.connect(str(path))
    try:
        version = con.execute(
            "SELECT value FROM warehouse_meta WHERE key = 'schema_version'"
        ).fetchone()
        if version is None or int(version[0]) >= warehouse.SCHEMA_VERSION:
            return
        con.execute("ALTER TABLE street_crime RENAME TO bench_street")
        con.execute("DROP TABLE IF EXISTS outcome")
        con.execute("DROP TABLE IF EXISTS stop_search")
        con.execute("ALTER TABLE source_file ADD COLUMN stored_as VARCHAR")
        con.execute("ALTER TABLE source_file ADD COLUMN header VARCHAR[]")
        con.execute(
            "UPDATE warehouse_meta SET value = ? WHERE key = 'schema_version'",
            [str(warehouse.SCHEMA_VERSION)],
        )
        print(f"upgraded the cached {path.name} to schema {warehouse.SCHEMA_VERSION}")
    finally:
        con.close()


def quarters(last: str, n: int) -> list:
    """The ``n`` calendar quarters ending with ``last``."""
    end = resolve_period(last)
    return [end.shifted(-3 * k) for k in reversed(range(n))]


def engine_run(path: Path, periods: list, police_only: bool = False) -> tuple[float, int]:
    """One timed run of the SaferHub engine for every CSP: (seconds, results)."""
    indicators = load_indicators()
    if police_only:
        indicators = indicators.only([i.id for i in indicators if i.source == "police.uk"])
    started = time.perf_counter()
    con = duckdb.connect(str(path), read_only=True)
    geography = load_geography(con)
    csps = geography.of_type("csp")
    results = compute_scorecards(con, csps, periods, indicators, geography=geography)
    con.close()
    return time.perf_counter() - started, len(results)


def pandas_scorecard(
    street: pd.DataFrame, geo: pd.DataFrame, population: pd.DataFrame, periods: list
) -> int:
    """A straightforward pandas implementation of the police.uk part of the scorecard."""
    indicators = load_indicators()
    police = [i for i in indicators if i.source == "police.uk"]
    frame = street.merge(geo, on="lsoa_code", how="inner")
    monthly = frame.groupby(["csp_code", "crime_type", "month"]).size().rename("n").reset_index()
    parts = []
    for indicator in police:
        chosen = monthly[monthly["crime_type"].isin(indicator.crime_types)]
        summed = chosen.groupby(["csp_code", "month"])["n"].sum().reset_index()
        summed["indicator_id"] = indicator.id
        parts.append(summed)
    series = pd.concat(parts)
    series["month"] = pd.to_datetime(series["month"])
    csp_pfa = geo.drop_duplicates("csp_code")[["csp_code", "pfa_code"]]
    out = []
    for period in periods:
        previous = period.year_earlier()

        def window(first: date, last: date) -> pd.DataFrame:
            mask = (series["month"] >= pd.Timestamp(first)) & (
                series["month"] <= pd.Timestamp(last)
            )
            return series[mask].groupby(["csp_code", "indicator_id"])["n"].sum()

        current = window(period.first, period.last).rename("count")
        before = window(previous.first, previous.last).rename("previous_count")
        table = pd.concat([current, before], axis=1).fillna(0).reset_index()
        pop_now = population[population["year"] == min(period.population_year, 2020)][
            ["csp_code", "population"]
        ]
        pop_before = population[population["year"] == min(previous.population_year, 2020)][
            ["csp_code", "population"]
        ].rename(columns={"population": "previous_population"})
        table = (
            table.merge(pop_now, on="csp_code")
            .merge(pop_before, on="csp_code")
            .merge(csp_pfa, on="csp_code")
        )
        table["rate"] = table["count"] / table["population"] * 1000
        table["change_pct"] = (
            (table["count"] - table["previous_count"]) / table["previous_count"] * 100
        )

        def significance(row: pd.Series) -> pd.Series:
            n = int(row["count"] + row["previous_count"])
            if n == 0:
                return pd.Series({"p_value": 1.0, "ci_low": 0.0, "ci_high": np.inf})
            p = row["population"] / (row["population"] + row["previous_population"])
            test = stats.binomtest(int(row["count"]), n, p)
            ci = test.proportion_ci()
            scale = row["previous_population"] / row["population"]
            high = np.inf if ci.high >= 1 else ci.high / (1 - ci.high) * scale
            return pd.Series(
                {"p_value": test.pvalue, "ci_low": ci.low / (1 - ci.low) * scale, "ci_high": high}
            )

        table = pd.concat([table, table.apply(significance, axis=1)], axis=1)
        grouped = table.groupby(["pfa_code", "indicator_id"])["rate"]
        table["peer_rank"] = grouped.rank(ascending=False, method="min")
        table["peer_mean_rate"] = grouped.transform("mean")
        table["expected"] = table["peer_mean_rate"] * table["population"] / 1000

        def peer_test(row: pd.Series) -> float:
            m = row["expected"]
            x = int(row["count"])
            if m <= 0:
                return 1.0
            support = np.arange(0, int(max(x, m) * 3 + 50))
            pmf = stats.poisson.pmf(support, m)
            d = stats.poisson.pmf(x, m)
            return float(min(1.0, pmf[pmf <= d * (1 + 1e-7)].sum()))

        table["peer_p_value"] = table.apply(peer_test, axis=1)
        # SPC: c-chart limits over the 24 months ending with the period.
        first_series = pd.Timestamp(period.last) - pd.DateOffset(months=23)
        mask = (series["month"] >= first_series) & (series["month"] <= pd.Timestamp(period.last))
        spc = series[mask].groupby(["csp_code", "indicator_id"])["n"].agg(["mean"]).reset_index()
        spc["upper"] = spc["mean"] + 3 * np.sqrt(spc["mean"])
        table = table.merge(spc, on=["csp_code", "indicator_id"], how="left")
        out.append(table)
    return int(sum(len(t) for t in out))


def pandas_inputs(
    path: Path, first: date, last: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Street rows of the subset, the LSOA -> CSP lookup and CSP populations, as pandas frames."""
    con = duckdb.connect(str(path), read_only=True)
    street = con.execute(
        "SELECT month, lsoa_code, crime_type FROM bench_street WHERE month BETWEEN ? AND ?",
        [first, last],
    ).df()
    geo = con.execute(
        """
        SELECT geo_lsoa.lsoa_code, geo_lad.csp_code, geo_lad.pfa_code
        FROM geo_lsoa JOIN geo_lad USING (lad_code)
        """
    ).df()
    population = con.execute(
        """
        SELECT geo_lad.csp_code, population.year, sum(population.population) AS population
        FROM geo_lad JOIN population ON population.area_code = geo_lad.lad_code
        GROUP BY ALL
        """
    ).df()
    con.close()
    return street, geo, population


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pandas-years", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    path = WORK / f"scorecard_{args.rows}.duckdb"
    if not args.rebuild and path.exists():
        upgrade_first_schema(path)
    if args.rebuild or not path.exists():
        build_warehouse(path, args.rows)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )

    periods = quarters("2022-Q4", 12)
    timings = []
    for _ in range(args.repeats):
        seconds, n = engine_run(path, periods)
        timings.append(seconds)
        print(
            f"engine, every CSP x {len(load_indicators())} indicators x 12 quarters: "
            f"{seconds:.2f}s ({n:,} results)"
        )
    print(f"ENGINE median {statistics.median(timings):.2f}s, peak RSS {peak_rss_mb():.0f} MB")

    if args.pandas_years < 2:
        print("pandas comparison skipped (--pandas-years below 2)")
        return

    # pandas beside the engine, on the last `pandas_years` national years.
    sub_periods = quarters("2022-Q4", 4 * (args.pandas_years - 1))
    first_needed = min(p.year_earlier().first for p in sub_periods)
    first_needed = min(
        first_needed, date(sub_periods[0].last.year - 2, sub_periods[0].last.month, 1)
    )
    street, geo, population = pandas_inputs(path, first_needed, date(2022, 12, 1))
    print(
        f"pandas subset: {len(street):,} street rows ({first_needed} to 2022-12), "
        f"{len(sub_periods)} quarters"
    )
    pandas_times, engine_times = [], []
    for _ in range(max(1, min(args.repeats, 2))):
        started = time.perf_counter()
        n_pandas = pandas_scorecard(street, geo, population, sub_periods)
        pandas_times.append(time.perf_counter() - started)
        seconds, n_engine = engine_run(path, sub_periods, police_only=True)
        engine_times.append(seconds)
        print(
            f"pandas {pandas_times[-1]:.2f}s ({n_pandas:,} rows); engine {seconds:.2f}s "
            f"({n_engine:,} results)"
        )
    ratio = statistics.median(pandas_times) / statistics.median(engine_times)
    print(
        f"PANDAS median {statistics.median(pandas_times):.2f}s, engine median "
        f"{statistics.median(engine_times):.2f}s: engine is {ratio:.1f}x faster; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
