"""The three police.uk CSV formats: their columns, file names, and the row checks done in SQL.

police.uk publishes, per force and month, ``YYYY-MM-<force>-street.csv`` (street-level crime and
ASB), ``-outcomes.csv`` and ``-stop-and-search.csv``. A row is loaded only if it passes the
checks below; otherwise it is quarantined with the reason these SQL expressions produce. The
reasons start with a short kind (``bad month``, ``bad coordinates``...) before a colon, which is
what ``saferhub ingest`` summarises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CRIME_TYPES",
    "DATASETS",
    "FILE_NAME",
    "HISTORIC_CRIME_TYPES",
    "PoliceUkFormat",
    "csv_reader_sql",
    "every_field_sql",
    "format_for",
    "quote_name",
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


def _coordinates_bad(lon: str, lat: str) -> str:
    """TRUE exactly when ``_coordinate_checks`` gives a reason: the same rule as one boolean,
    with each coordinate parsed once per row (ingest evaluates it on every row)."""
    return f"""(({lon} IS NULL) <> ({lat} IS NULL) OR ({lon} IS NOT NULL AND NOT coalesce(
        try_cast({lon} AS DOUBLE) BETWEEN {_LON_MIN} AND {_LON_MAX}
        AND try_cast({lat} AS DOUBLE) BETWEEN {_LAT_MIN} AND {_LAT_MAX}, false)))"""


_LSOA_CHECK = """
    WHEN "LSOA code" IS NOT NULL AND NOT regexp_full_match("LSOA code", '[EW]01[0-9]{6}')
        THEN 'unknown LSOA code format: ''' || "LSOA code" || ''' is not an E01/W01 code'
"""

_KNOWN_TYPES = ", ".join(
    "'" + t.replace("'", "''") + "'" for t in CRIME_TYPES + HISTORIC_CRIME_TYPES
)
_CRIME_TYPE_CHECKS = f"""
    WHEN "Crime type" IS NULL THEN 'unknown crime type: empty'
    WHEN "Crime type" NOT IN ({_KNOWN_TYPES})
        THEN 'unknown crime type: ''' || "Crime type" || ''''
"""
_OUTCOME_TYPE_CHECK = """
    WHEN "Outcome type" IS NULL THEN 'missing outcome type: empty'
"""


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
    """The warehouse view's columns (after file_id, month, force), named, computed from the
    CSV columns of a row that passed the checks."""
    group_columns: tuple[str, ...]
    """CSV columns with few distinct values per file (month, LSOA, category): ingest counts
    rows by these first and checks each distinct combination once."""
    row_check_sql: str
    """TRUE when a row fails a check on its other columns (coordinates, dates...)."""
    group_check_sql: str
    """TRUE when a row fails a check on ``group_columns`` (and ``_file_month_text``).
    ``row_check_sql OR group_check_sql`` is exactly ``reason_sql IS NOT NULL``."""

    @property
    def row_check_needs_file(self) -> bool:
        """Whether the row-level check compares with the file name's month."""
        return "_file_month_text" in self.row_check_sql


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
        {_CRIME_TYPE_CHECKS}
        {_LSOA_CHECK}
        END""",
    group_columns=("Month", "LSOA code", "Crime type"),
    row_check_sql=_coordinates_bad('"Longitude"', '"Latitude"'),
    group_check_sql=f"""(CASE {_MONTH_CHECKS} {_CRIME_TYPE_CHECKS} {_LSOA_CHECK} END)
        IS NOT NULL""",
    select_sql="""
        "Crime ID" AS crime_id, "Reported by" AS reported_by, "Falls within" AS falls_within,
        TRY_CAST("Longitude" AS DOUBLE) AS longitude, TRY_CAST("Latitude" AS DOUBLE) AS latitude,
        "Location" AS location, "LSOA code" AS lsoa_code, "LSOA name" AS lsoa_name,
        "Crime type" AS crime_type, "Last outcome category" AS last_outcome, "Context" AS context
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
        {_OUTCOME_TYPE_CHECK}
        END""",
    group_columns=("Month", "LSOA code", "Outcome type"),
    row_check_sql=_coordinates_bad('"Longitude"', '"Latitude"'),
    group_check_sql=f"""(CASE {_MONTH_CHECKS} {_LSOA_CHECK} {_OUTCOME_TYPE_CHECK} END)
        IS NOT NULL""",
    select_sql="""
        "Crime ID" AS crime_id, "Reported by" AS reported_by, "Falls within" AS falls_within,
        TRY_CAST("Longitude" AS DOUBLE) AS longitude, TRY_CAST("Latitude" AS DOUBLE) AS latitude,
        "Location" AS location, "LSOA code" AS lsoa_code, "LSOA name" AS lsoa_name,
        "Outcome type" AS outcome_type
    """,
)

_SS_DATE = """try_cast(replace(substr("Date", 1, 19), 'T', ' ') AS TIMESTAMP)"""


def _bool_check(column: str) -> str:
    return f"""
    WHEN {column} IS NOT NULL AND try_cast({column} AS BOOLEAN) IS NULL
        THEN 'bad value: {column.strip('"')} is ''' || {column} || ''', not True or False'
    """


_SS_REASON = f"""CASE
        WHEN "Date" IS NULL THEN 'bad date: empty'
        WHEN {_SS_DATE} IS NULL THEN 'bad date: ''' || "Date" || ''' is not a date and time'
        WHEN strftime({_SS_DATE}, '%Y-%m') <> _file_month_text
            THEN 'month not matching file name: row dated ' || "Date" || ', file name says '
                 || _file_month_text
        {_coordinate_checks('"Longitude"', '"Latitude"')}
        {_bool_check('"Part of a policing operation"')}
        {_bool_check('"Outcome linked to object of search"')}
        {_bool_check('"Removal of more than just outer clothing"')}
        END"""

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
    reason_sql=_SS_REASON,
    group_columns=(),
    row_check_sql=f"({_SS_REASON}) IS NOT NULL",
    group_check_sql="false",
    select_sql=f"""
        "Type" AS type, {_SS_DATE} AS date,
        TRY_CAST("Part of a policing operation" AS BOOLEAN) AS part_of_operation,
        "Policing operation" AS policing_operation, TRY_CAST("Latitude" AS DOUBLE) AS latitude,
        TRY_CAST("Longitude" AS DOUBLE) AS longitude, "Gender" AS gender,
        "Age range" AS age_range, "Self-defined ethnicity" AS self_defined_ethnicity,
        "Officer-defined ethnicity" AS officer_defined_ethnicity, "Legislation" AS legislation,
        "Object of search" AS object_of_search, "Outcome" AS outcome,
        TRY_CAST("Outcome linked to object of search" AS BOOLEAN) AS outcome_linked_to_object,
        TRY_CAST("Removal of more than just outer clothing" AS BOOLEAN)
            AS removal_of_more_than_outer_clothing
    """,
)

DATASETS: dict[str, PoliceUkFormat] = {f.dataset: f for f in (STREET, OUTCOMES, STOP_AND_SEARCH)}


def csv_reader_sql(
    paths: str, columns: str, *, ignore_errors: bool = False, parallel: bool = True
) -> str:
    """DuckDB's CSV reader over ``paths`` (SQL for a list of files) with the schema
    ``columns`` (SQL for a struct of name: type), exactly as police.uk writes files: header
    line, comma, double quotes, no sniffing; ``filename`` gives each row's file.

    ``ignore_errors`` skips the rows the reader refuses (ingest instead stores them to
    quarantine them); ``parallel = False`` reads each file in order (for line numbers)."""
    errors = (
        "ignore_errors = true"
        if ignore_errors
        else "store_rejects = true, rejects_scan = '_rej_scan', rejects_table = '_rej_err'"
    )
    return (
        f"read_csv({paths}, columns = {columns}, header = true, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', filename = true, {errors}, "
        f"parallel = {'true' if parallel else 'false'})"
    )


def quote_name(name: str) -> str:
    """A column or table name as a quoted SQL identifier (a file's header is not trusted)."""
    return '"' + name.replace('"', '""') + '"'


def every_field_sql(columns: Sequence[str]) -> str:
    """An expression that names every one of ``columns``: DuckDB's CSV reader checks the
    encoding only of the columns a query uses, so a scan that must refuse a line with bytes
    that are not UTF-8 in any field uses this (its value does not matter)."""
    return "coalesce(" + ", ".join(quote_name(c) for c in columns) + ")"


def format_for(dataset: str) -> PoliceUkFormat:
    """The police.uk format called ``dataset`` (street, outcomes or stop-and-search)."""
    return DATASETS[dataset]
