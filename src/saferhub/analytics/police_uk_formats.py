"""The three police.uk CSV formats: their columns, file names, and the row checks done in SQL.

police.uk publishes, per force and month, ``YYYY-MM-<force>-street.csv`` (street-level crime and
ASB), ``-outcomes.csv`` and ``-stop-and-search.csv``. A row is loaded only if it passes the
checks below; otherwise it is quarantined with the reason these SQL expressions produce. The
reasons start with a short kind (``bad month``, ``bad coordinates``...) before a colon, which is
what ``saferhub ingest`` summarises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CRIME_TYPES",
    "DATASETS",
    "FILE_NAME",
    "HISTORIC_CRIME_TYPES",
    "PoliceUkFormat",
    "format_for",
]

# The 14 current police.uk categories, and older names still found in archive-era files.
CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
HISTORIC_CRIME_TYPES: tuple[str, ...] = ("Public disorder and weapons", "Violent crime")

FILE_NAME = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<force>[a-z][a-z-]*?)-"
    r"(?P<dataset>street|outcomes|stop-and-search)\.csv$"
)

# Great Britain's bounding box with a margin: police.uk points outside it are corrupt.
_LON_MIN, _LON_MAX, _LAT_MIN, _LAT_MAX = -9.0, 3.0, 49.0, 61.0

_MONTH_CHECKS = """
    WHEN "Month" IS NULL THEN 'bad month: empty'
    WHEN "Month" <> _file_month_text
        AND NOT regexp_full_match("Month", '[0-9]{4}-(0[1-9]|1[0-2])')
        THEN 'bad month: ''' || "Month" || ''' is not a YYYY-MM month'
    WHEN "Month" <> _file_month_text
        THEN 'month not matching file name: row says ' || "Month" || ', file name says '
             || _file_month_text
"""


def _coordinate_checks(lon: str, lat: str) -> str:
    return f"""
    WHEN ({lon} IS NULL) <> ({lat} IS NULL)
        THEN 'bad coordinates: only one of longitude and latitude is given'
    WHEN {lon} IS NOT NULL AND (try_cast({lon} AS DOUBLE) IS NULL
                                OR try_cast({lat} AS DOUBLE) IS NULL)
        THEN 'bad coordinates: not numbers: ' || {lon} || ', ' || {lat}
    WHEN {lon} IS NOT NULL AND NOT (
            try_cast({lon} AS DOUBLE) BETWEEN {_LON_MIN} AND {_LON_MAX}
            AND try_cast({lat} AS DOUBLE) BETWEEN {_LAT_MIN} AND {_LAT_MAX})
        THEN 'bad coordinates: outside Great Britain: ' || {lon} || ', ' || {lat}
    """


_LSOA_CHECK = """
    WHEN "LSOA code" IS NOT NULL AND NOT regexp_full_match("LSOA code", '[EW]01[0-9]{6}')
        THEN 'unknown LSOA code format: ''' || "LSOA code" || ''' is not an E01/W01 code'
"""

_KNOWN_TYPES = ", ".join(
    "'" + t.replace("'", "''") + "'" for t in CRIME_TYPES + HISTORIC_CRIME_TYPES
)


@dataclass(frozen=True)
class PoliceUkFormat:
    """One police.uk dataset: its header, target table, row checks and column mapping."""

    dataset: str
    columns: tuple[str, ...]
    table: str
    reason_sql: str
    """A CASE expression: NULL for a good row, else the quarantine reason. Besides the CSV
    columns it uses ``_file_month_text``, the file name's month as ``YYYY-MM`` (cheaper per
    row than formatting a date)."""
    select_sql: str
    """The warehouse columns (after file_id, month, force) computed from the CSV columns.

    It never fails, even on a row the checks refuse (casts are ``TRY_CAST``, NOT NULL columns
    are coalesced): ingest writes every parsed row in one scan, refused rows under a negative
    ``file_id`` that it counts and deletes before the transaction ends."""


STREET = PoliceUkFormat(
    dataset="street",
    columns=(
        "Crime ID",
        "Month",
        "Reported by",
        "Falls within",
        "Longitude",
        "Latitude",
        "Location",
        "LSOA code",
        "LSOA name",
        "Crime type",
        "Last outcome category",
        "Context",
    ),
    table="street_crime",
    reason_sql=f"""CASE {_MONTH_CHECKS} {_coordinate_checks('"Longitude"', '"Latitude"')}
        WHEN "Crime type" IS NULL THEN 'unknown crime type: empty'
        WHEN "Crime type" NOT IN ({_KNOWN_TYPES})
            THEN 'unknown crime type: ''' || "Crime type" || ''''
        {_LSOA_CHECK}
        END""",
    select_sql="""
        "Crime ID", "Reported by", "Falls within",
        TRY_CAST("Longitude" AS DOUBLE), TRY_CAST("Latitude" AS DOUBLE), "Location",
        "LSOA code", "LSOA name", coalesce("Crime type", ''), "Last outcome category", "Context"
    """,
)

OUTCOMES = PoliceUkFormat(
    dataset="outcomes",
    columns=(
        "Crime ID",
        "Month",
        "Reported by",
        "Falls within",
        "Longitude",
        "Latitude",
        "Location",
        "LSOA code",
        "LSOA name",
        "Outcome type",
    ),
    table="outcome",
    reason_sql=f"""CASE {_MONTH_CHECKS} {_coordinate_checks('"Longitude"', '"Latitude"')}
        {_LSOA_CHECK}
        WHEN "Outcome type" IS NULL THEN 'missing outcome type: empty'
        END""",
    select_sql="""
        "Crime ID", "Reported by", "Falls within",
        TRY_CAST("Longitude" AS DOUBLE), TRY_CAST("Latitude" AS DOUBLE), "Location",
        "LSOA code", "LSOA name", "Outcome type"
    """,
)

_SS_DATE = """try_cast(replace(substr("Date", 1, 19), 'T', ' ') AS TIMESTAMP)"""


def _bool_check(column: str) -> str:
    return f"""
    WHEN {column} IS NOT NULL AND try_cast({column} AS BOOLEAN) IS NULL
        THEN 'bad value: {column.strip('"')} is ''' || {column} || ''', not True or False'
    """


STOP_AND_SEARCH = PoliceUkFormat(
    dataset="stop-and-search",
    columns=(
        "Type",
        "Date",
        "Part of a policing operation",
        "Policing operation",
        "Latitude",
        "Longitude",
        "Gender",
        "Age range",
        "Self-defined ethnicity",
        "Officer-defined ethnicity",
        "Legislation",
        "Object of search",
        "Outcome",
        "Outcome linked to object of search",
        "Removal of more than just outer clothing",
    ),
    table="stop_search",
    reason_sql=f"""CASE
        WHEN "Date" IS NULL THEN 'bad date: empty'
        WHEN {_SS_DATE} IS NULL THEN 'bad date: ''' || "Date" || ''' is not a date and time'
        WHEN strftime({_SS_DATE}, '%Y-%m') <> _file_month_text
            THEN 'month not matching file name: row dated ' || "Date" || ', file name says '
                 || _file_month_text
        {_coordinate_checks('"Longitude"', '"Latitude"')}
        {_bool_check('"Part of a policing operation"')}
        {_bool_check('"Outcome linked to object of search"')}
        {_bool_check('"Removal of more than just outer clothing"')}
        END""",
    select_sql=f"""
        "Type", {_SS_DATE}, TRY_CAST("Part of a policing operation" AS BOOLEAN),
        "Policing operation", TRY_CAST("Latitude" AS DOUBLE), TRY_CAST("Longitude" AS DOUBLE),
        "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity",
        "Legislation", "Object of search", "Outcome",
        TRY_CAST("Outcome linked to object of search" AS BOOLEAN),
        TRY_CAST("Removal of more than just outer clothing" AS BOOLEAN)
    """,
)

DATASETS: dict[str, PoliceUkFormat] = {f.dataset: f for f in (STREET, OUTCOMES, STOP_AND_SEARCH)}


def format_for(dataset: str) -> PoliceUkFormat:
    """The police.uk format called ``dataset`` (street, outcomes or stop-and-search)."""
    return DATASETS[dataset]
