"""Retention policy without a database: when a record is due for review or erasure.

A partnership keeps personal records for `retention_years` (default 6) after a case closes
or after the last activity on a person or incident. An organisation serving several
partnerships keeps its records for the longest of their periods, so no partnership's
policy is cut short. Records still in use (a case not closed, or a person linked to one)
are never due.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable, Iterable
from collections.abc import Set as AbstractSet

DEFAULT_RETENTION_YEARS = 6

ERASED_GIVEN_NAME = "Erased"
ERASED_FAMILY_NAME = "record"
ERASED_CASE_TITLE = "Erased case"
ERASED_TEXT = "Erased"
ERASED_NAME = "[erased]"
ERASED_PLACE_NAME = "Erased address"


def retention_years_for(partnership_years: Iterable[int]) -> int:
    """The retention period for an organisation's records: the longest of its
    partnerships' periods, or the default if it serves none."""
    return max(partnership_years, default=DEFAULT_RETENTION_YEARS)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """Records whose last activity was before this day are due for review."""
    return years_before(today, years)


def review_due_on(last_activity: datetime.date, years: int) -> datetime.date:
    """The day a record becomes due for review: `years` after its last activity."""
    try:
        return last_activity.replace(year=last_activity.year + years)
    except ValueError:
        return last_activity.replace(year=last_activity.year + years, day=28)


def is_due(
    *, last_activity: datetime.date, years: int, today: datetime.date, in_use: bool = False
) -> bool:
    """Whether a record is due for review: not in use, and its review date has come."""
    return not in_use and review_due_on(last_activity, years) <= today


def erasure_problem(*, due: bool, already_erased: bool, reason: str) -> str | None:
    """Why a record may not be erased now, or None: it must be due, not already erased,
    and the reason must be given."""
    if already_erased:
        return "This record has already been erased"
    if not due:
        return "This record is not yet past its retention period"
    if not reason.strip():
        return "Enter why you are erasing this record"
    return None


def redact_names(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names` replaced by ERASED_NAME: whole words, any case, any run
    of white space between the parts; longer names first, so "Jo Anne Marsh" goes before
    "Jo Marsh". Best effort for free text shared with other people (a case note about a
    family): a name written another way ("Mrs M") is not found."""
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        parts = name.split()
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in parts) + r"(?!\w)"
        text = re.sub(pattern, ERASED_NAME, text, flags=re.IGNORECASE)
    return text


DOCUMENT_ADDED = "Document added: "  # how cases.services writes a document's history line


def redact_file_name(file_name: str, names: Iterable[str]) -> str:
    """A document's file name, or ERASED_NAME (with the file's extension kept, so it still
    opens) when it contains one of `names` written with spaces, hyphens, underscores or
    dots between the words ("Jo_Marsh-statement.pdf" -> "[erased].pdf")."""
    spaced = re.sub(r"[\s_.\-+]+", " ", file_name)
    if redact_names(spaced, names) == spaced:
        return file_name
    extension = re.search(r"\.[A-Za-z0-9]{1,5}$", file_name)
    return ERASED_NAME + (extension.group(0).lower() if extension else "")


def redact_document_line(line: str, names: Iterable[str]) -> str:
    """A case history line with the names taken out (redact_names); a "Document added"
    line whose file name contains one of `names` (redact_file_name) loses the whole file
    name."""
    if line.startswith(DOCUMENT_ADDED):
        file_name = line[len(DOCUMENT_ADDED) :]
        if redact_file_name(file_name, names) != file_name:
            return DOCUMENT_ADDED + ERASED_NAME
    return redact_names(line, names)


def names_to_redact(full_names: Iterable[tuple[str, str]]) -> set[str]:
    """The names to take out of shared free text, from (given, family) pairs: each full name
    with two or more words, and a single-word alias or nickname of 4 or more letters (a
    shorter single word, "Jo", would also remove other people's words)."""
    names: set[str] = set()
    for given, family in full_names:
        full = f"{given} {family}".strip()
        if len(full.split()) >= 2 or len(full) >= 4:
            names.add(full)
    return names


def only_about_them(*, linked: AbstractSet[Hashable], theirs_alone: AbstractSet[Hashable]) -> bool:
    """Whether a place is only about the erased person: it is linked to at least one record
    (incident at it, case linked to it) and every one of them is about that person alone."""
    return bool(linked) and linked <= theirs_alone
