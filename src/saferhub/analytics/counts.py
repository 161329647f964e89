"""Recorded crime counts by any mix of geography, force, month and crime type, for reconciliation.

``saferhub counts --by csp,month,crime_type`` prints these so every figure SaferHub shows can be
checked against another tool. Counts come from ``crime_count`` (current downloads only) joined
to the latest ONS lookups: LSOA -> ward -> district (geo_lsoa) -> CSP (geo_lad). Rows without
an LSOA, or whose LSOA the lookup does not know, are counted under ``UNMAPPED``.

A month with no file for a force is *missing data*, not zero crime: :func:`month_coverage`
lists, per force, every month between its first and last loaded month as loaded, partial
(under half the force's median month) or missing.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from saferhub.analytics.geography import latest_geography_version

__all__ = ["BY_LEVELS", "MonthCoverage", "count_crimes", "missing_months", "month_coverage"]

UNMAPPED = "UNMAPPED"

# --by level -> (output column, SQL expression). Expressions are fixed text, never user input.
BY_LEVELS: dict[str, tuple[str, str]] = {
    "lsoa": ("lsoa_code", f"coalesce(c.lsoa_code, '{UNMAPPED}')"),
    "ward": ("ward_code", f"coalesce(g.ward_code, '{UNMAPPED}')"),
    "district": ("district_code", f"coalesce(g.lad_code, '{UNMAPPED}')"),
    "csp": ("csp_code", f"coalesce(l.csp_code, '{UNMAPPED}')"),
    "force": ("force", "c.force"),
    "month": ("month", "strftime(c.month, '%Y-%m')"),
    "crime_type": ("crime_type", "c.crime_type"),
}


def count_crimes(
    con: duckdb.DuckDBPyConnection,
    by: Sequence[str],
    *,
    geography_version: int | None = None,
) -> tuple[list[str], list[tuple[str | int, ...]]]:
    """Street-level crime counts grouped by ``by`` (in that order); returns (header, rows).

    ``by`` items are keys of :data:`BY_LEVELS`; the header is their column names then
    ``count``. Rows are sorted by the grouping columns. ValueError for an unknown level.
    """
    unknown = [level for level in by if level not in BY_LEVELS]
    if unknown or not by:
        raise ValueError(
            f"unknown --by level(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(BY_LEVELS)}"
        )
    if len(set(by)) != len(by):
        raise ValueError("--by repeats a level")
    lsoa_version = latest_geography_version(con, need="lsoa")
    lad_version = geography_version or latest_geography_version(con, need="csp")
    header = [BY_LEVELS[level][0] for level in by] + ["count"]
    expressions = ", ".join(f"{BY_LEVELS[level][1]} AS k{i}" for i, level in enumerate(by))
    keys = ", ".join(f"k{i}" for i in range(len(by)))
    sql = f"""
        SELECT {expressions}, sum(c.n) AS n
        FROM crime_count c
        LEFT JOIN geo_lsoa g ON g.lsoa_code = c.lsoa_code AND g.version = $lsoa_version
        LEFT JOIN geo_lad l ON l.lad_code = g.lad_code AND l.version = $lad_version
        GROUP BY {keys}
        ORDER BY {keys}
    """  # noqa: S608 - expressions come from the fixed BY_LEVELS table
    rows = con.execute(sql, {"lsoa_version": lsoa_version, "lad_version": lad_version}).fetchall()
    return header, [(*row[:-1], int(row[-1])) for row in rows]


@dataclass(frozen=True)
class MonthCoverage:
    """Whether a force's street file for a month is loaded, partial or missing."""

    force: str
    month: date
    status: str  # loaded | partial | missing
    rows: int | None
    """Rows loaded for that month; None when missing (missing is not zero)."""


def month_coverage(con: duckdb.DuckDBPyConnection) -> list[MonthCoverage]:
    """Every month from each force's first to last loaded street month, with its status.

    ``partial`` marks a month with fewer than half the rows of the force's median month, the
    sign of a partial extract.
    """
    rows = con.execute(
        """
        SELECT force, month, sum(rows_loaded) FROM source_file
        WHERE dataset = 'street' AND replaced_by IS NULL
        GROUP BY force, month ORDER BY force, month
        """
    ).fetchall()
    by_force: dict[str, dict[date, int]] = {}
    for force, month, n in rows:
        by_force.setdefault(str(force), {})[month] = int(n)
    result: list[MonthCoverage] = []
    for force, months in by_force.items():
        median = statistics.median(months.values())
        first, last = min(months), max(months)
        current = first
        while current <= last:
            n = months.get(current)
            if n is None:
                status = "missing"
            elif n < median / 2:
                status = "partial"
            else:
                status = "loaded"
            result.append(MonthCoverage(force, current, status, n))
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return result


def missing_months(con: duckdb.DuckDBPyConnection) -> list[MonthCoverage]:
    """The months with no street file inside each force's loaded range."""
    return [m for m in month_coverage(con) if m.status == "missing"]
