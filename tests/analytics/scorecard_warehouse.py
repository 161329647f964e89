"""A tiny hand-built warehouse for scorecard tests: one force, three CSPs, four districts.

Leicestershire police force area (E23000021, police.uk slug ``leicestershire``):

* CSP ``E22000001`` "Alpha" = district ``E07000001`` "Alpha District" (LSOAs A1, A2)
* CSP ``E22000002`` "Beta" = districts ``E07000002`` "Beta North" (B1) and ``E07000003``
  "Beta South" (B2)
* CSP ``E22000003`` "Gamma" = district ``E07000004`` "Gamma District" (C1)

Populations (mid-2020 and mid-2021 only, so 2022 falls back to 2021). Monthly crime counts come
from :func:`crimes` so tests can work out expected figures independently with plain loops.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from saferhub.analytics import warehouse

PFA = ("E23000021", "Leicestershire")
DISTRICTS = {
    # lad: (name, csp, csp name, lsoas)
    "E07000001": ("Alpha District", "E22000001", "Alpha", ("A1", "A2")),
    "E07000002": ("Beta North", "E22000002", "Beta", ("B1",)),
    "E07000003": ("Beta South", "E22000002", "Beta", ("B2",)),
    "E07000004": ("Gamma District", "E22000003", "Gamma", ("C1",)),
}
POPULATION = {
    "E07000001": {2020: 100_000, 2021: 110_000},
    "E07000002": {2020: 50_000, 2021: 50_000},
    "E07000003": {2020: 30_000, 2021: 30_000},
    "E07000004": {2020: 200_000, 2021: 200_000},
}
FIRST_MONTH = date(2019, 1, 1)
LAST_MONTH = date(2022, 12, 1)
MISSING_MONTHS = {date(2021, 5, 1)}
"""Months with no police.uk file for the force (missing data, not zero crime)."""


def months() -> list[date]:
    """Every month the fixture covers, missing months included."""
    out = []
    year, month = FIRST_MONTH.year, FIRST_MONTH.month
    while date(year, month, 1) <= LAST_MONTH:
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def crimes(lsoa: str, crime_type: str, month: date) -> int:
    """The hand-chosen count for one LSOA, crime type and month (0 for a missing month)."""
    if month in MISSING_MONTHS:
        return 0
    base = {"A1": 10, "A2": 4, "B1": 6, "B2": 3, "C1": 30}[lsoa]
    kind = {
        "Burglary": 1,
        "Violence and sexual offences": 3,
        "Anti-social behaviour": 2,
        "Drugs": 0,
    }
    k = kind.get(crime_type, 0)
    # A rise in 2022 for Alpha's burglary; a spike in 2022-03 for Gamma's violence.
    rise = 2 if (lsoa in ("A1", "A2") and crime_type == "Burglary" and month.year == 2022) else 1
    spike = (
        4
        if (lsoa == "C1" and crime_type.startswith("Violence") and month == date(2022, 3, 1))
        else 1
    )
    return base * k * rise * spike + (month.month % 3 if k else 0)


CRIME_TYPES = ("Burglary", "Violence and sexual offences", "Anti-social behaviour", "Drugs")

PARTNER = [
    # dataset, month, level, code, category, markers, n
    ("crime-markers", date(2022, 4, 1), "lsoa", "A1", None, ["domestic-abuse"], 7),
    (
        "crime-markers",
        date(2022, 5, 1),
        "district",
        "E07000001",
        None,
        ["domestic-abuse", "hate:race"],
        2,
    ),
    (
        "crime-markers",
        date(2021, 4, 1),
        "district",
        "E07000001",
        None,
        ["domestic-abuse"],
        3,
    ),
    ("crime-markers", date(2022, 4, 1), "csp", "E22000002", None, ["hate:religion"], 4),
    ("marac-referrals", date(2022, 6, 1), "csp", "E22000001", "repeat", ["domestic-abuse"], 5),
    ("marac-referrals", date(2022, 6, 1), "csp", "E22000001", "new", ["domestic-abuse"], 8),
    ("marac-referrals", date(2021, 6, 1), "csp", "E22000001", "new", [], 6),
]


def build(path: Path, *, with_partner: bool = True) -> duckdb.DuckDBPyConnection:
    """Create the fixture warehouse at ``path`` and return an open connection to it."""
    con = warehouse.connect(path)
    for lad, (lad_name, csp, csp_name, lsoas) in DISTRICTS.items():
        con.execute(
            "INSERT INTO geo_lad VALUES (2019, ?, ?, ?, ?, ?, ?, 'E10000018', 'Leicestershire')",
            [lad, lad_name, csp, csp_name, *PFA],
        )
        for lsoa in lsoas:
            con.execute(
                "INSERT INTO geo_lsoa VALUES (2019, ?, ?, 'W1', 'Ward', ?, ?)",
                [lsoa, lsoa, lad, lad_name],
            )
        for year, people in POPULATION[lad].items():
            con.execute("INSERT INTO population VALUES (?, ?, ?, ?)", [lad, lad_name, year, people])
    rows = []
    for month in months():
        if month in MISSING_MONTHS:
            continue
        for lad in DISTRICTS.values():
            for lsoa in lad[3]:
                for crime_type in CRIME_TYPES:
                    n = crimes(lsoa, crime_type, month)
                    if n:
                        rows.append((month, "leicestershire", lsoa, crime_type, n))
        # a crime in a neighbouring force's file, and one without a location
        rows.append((month, "leicestershire", None, "Burglary", 1))
        rows.append((month, "nottinghamshire", "N1", "Burglary", 5))
    con.executemany("INSERT INTO crime_count VALUES (?, ?, ?, ?, ?)", rows)
    if with_partner:
        con.executemany(
            "INSERT INTO partner_record VALUES (1, ?, ?, NULL, ?, ?, ?, ?, ?)",
            [list(r) for r in PARTNER],
        )
    return con
