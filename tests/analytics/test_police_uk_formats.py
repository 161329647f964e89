"""The police.uk formats' SQL: ingest's split checks (per row, then per distinct group) refuse
exactly the rows the full reason expression gives a reason for, on awkward values."""

from __future__ import annotations

import math

import duckdb
import pytest

from saferhub.analytics.police_uk_formats import DATASETS, PoliceUkFormat

COORDINATES = [None, "0.5", "-1.25", "51.2", "", "abc", "200", "-9.0", "3.0", "49", "61.0001"]
COORDINATES += ["NaN", "inf", "1e1", " 0.5"]
VALUES: dict[str, list[str | None]] = {
    "Month": [None, "2021-01", "2021-02", "2021-13", "Jan"],
    "LSOA code": [None, "E01000001", "W01234567", "X01", "E0100000"],
    "Crime type": [None, "Burglary", "Violent crime", "Nope"],
    "Outcome type": [None, "Court result unavailable"],
    "Date": [None, "2021-01-05T10:00:00+00:00", "2021-02-01T00:00:00", "yesterday"],
    "Part of a policing operation": [None, "True", "false", "maybe"],
}


def _table(con: duckdb.DuckDBPyConnection, fmt: PoliceUkFormat) -> int:
    """Table ``t`` in the format's columns: every combination of the awkward values."""
    varied = {"Longitude": COORDINATES, "Latitude": COORDINATES}
    varied.update({c: v for c, v in VALUES.items() if c in fmt.columns})
    lists = ", ".join(f'(SELECT unnest(${i}::VARCHAR[]) AS "{c}")' for i, c in enumerate(varied, 1))
    columns = ", ".join(f'"{c}"' if c in varied else f'NULL::VARCHAR AS "{c}"' for c in fmt.columns)
    con.execute(
        f"CREATE TABLE t AS SELECT {columns} FROM {lists}",  # noqa: S608 - fixed names
        list(varied.values()),
    )
    return math.prod(len(values) for values in varied.values())


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_row_and_group_checks_refuse_exactly_the_rows_with_a_reason(dataset: str) -> None:
    fmt = DATASETS[dataset]
    con = duckdb.connect()
    expected_rows = _table(con, fmt)
    disagree = con.execute(
        f"""
        SELECT * FROM (
            SELECT *, ({fmt.reason_sql}) AS reason,
                   ({fmt.row_check_sql}) OR ({fmt.group_check_sql}) AS split_bad
            FROM (SELECT *, '2021-01' AS _file_month_text FROM t))
        WHERE split_bad IS DISTINCT FROM (reason IS NOT NULL)
        LIMIT 5
        """  # noqa: S608 - the formats' fixed SQL
    ).fetchall()
    assert disagree == []
    # the cases cover both outcomes, so the comparison is not vacuous
    refused = con.execute(
        f"SELECT count(*) FILTER (({fmt.reason_sql}) IS NOT NULL), count(*) "  # noqa: S608
        "FROM (SELECT *, '2021-01' AS _file_month_text FROM t)"
    ).fetchone()
    assert refused is not None and 0 < refused[0] < refused[1] == expected_rows
