"""Incident categories, markers and roles: the vocabulary every agency records with."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum

POLICE_UK_CRIME_TYPES = (
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

# (value, label): police.uk crime types, the Home Office ASB categories, and the non-crime
# incident kinds partners record.
CATEGORIES: tuple[tuple[str, str], ...] = (
    *((f"crime:{t}", f"Crime: {t}") for t in POLICE_UK_CRIME_TYPES if t != "Anti-social behaviour"),
    ("asb:personal", "ASB: personal"),
    ("asb:nuisance", "ASB: nuisance"),
    ("asb:environmental", "ASB: environmental"),
    ("domestic_abuse", "Domestic abuse incident"),
    ("hate_incident", "Hate incident (non-crime)"),
)

ASB_CATEGORIES = frozenset({"asb:personal", "asb:nuisance", "asb:environmental"})


class Marker(StrEnum):
    """Flags on an incident (several may apply)."""

    DOMESTIC_ABUSE = "domestic_abuse"
    HATE = "hate"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    CSE = "child_sexual_exploitation"
    CCE = "child_criminal_exploitation"
    CYBER = "cyber"
    WEAPON = "weapon"


MARKER_LABELS = {
    Marker.DOMESTIC_ABUSE: "Domestic abuse",
    Marker.HATE: "Hate",
    Marker.ALCOHOL: "Alcohol",
    Marker.DRUGS: "Drugs",
    Marker.CSE: "Child sexual exploitation",
    Marker.CCE: "Child criminal exploitation",
    Marker.CYBER: "Cyber",
    Marker.WEAPON: "Weapon",
}

HATE_STRANDS = (
    ("race", "Race"),
    ("religion", "Religion or belief"),
    ("sexual_orientation", "Sexual orientation"),
    ("disability", "Disability"),
    ("transgender", "Transgender identity"),
)


class Role(StrEnum):
    """How a person was involved in an incident."""

    VICTIM = "victim"
    COMPLAINANT = "complainant"
    WITNESS = "witness"
    PERPETRATOR = "perpetrator"
    SUBJECT = "subject"


ROLE_LABELS = {
    Role.VICTIM: "Victim",
    Role.COMPLAINANT: "Complainant",
    Role.WITNESS: "Witness",
    Role.PERPETRATOR: "Suspect or perpetrator",
    Role.SUBJECT: "Subject",
}


def is_domestic_abuse(category: str, markers: list[str] | tuple[str, ...]) -> bool:
    """A domestic abuse incident, or any incident with the domestic abuse marker."""
    return category == "domestic_abuse" or Marker.DOMESTIC_ABUSE.value in markers


def is_asb(category: str) -> bool:
    """One of the three Home Office ASB categories."""
    return category in ASB_CATEGORIES


MARKER_VALUES = frozenset(m.value for m in Marker)
CATEGORY_VALUES = frozenset(value for value, _ in CATEGORIES)
HATE_STRAND_VALUES = frozenset(value for value, _ in HATE_STRANDS)


def occurred_at_problem(
    occurred_on: datetime.date,
    *,
    today: datetime.date,
    dates_of_birth: Iterable[datetime.date | None] = (),
) -> str:
    """Why an incident date is impossible: in the future, or before the birth of someone
    involved ("" when it is possible)."""
    if occurred_on > today:
        return "Date of the incident must be today or in the past"
    if any(dob is not None and occurred_on < dob for dob in dates_of_birth):
        return "Date of the incident must be after the date of birth of everyone involved"
    return ""


def classification_problems(
    category: str, hate_strand: str, markers: Iterable[str]
) -> dict[str, str]:
    """Field problems with an incident's category, hate strand and markers."""
    problems: dict[str, str] = {}
    if category not in CATEGORY_VALUES:
        problems["category"] = "Select the category of incident"
    marker_list = list(markers)
    if any(m not in MARKER_VALUES for m in marker_list):
        problems["markers"] = "Select markers from the list"
    if hate_strand and hate_strand not in HATE_STRAND_VALUES:
        problems["hate_strand"] = "Select the monitored strand from the list"
    needs_strand = category == "hate_incident" or Marker.HATE.value in marker_list
    if needs_strand and not hate_strand:
        problems["hate_strand"] = "Select the monitored strand of the hate incident"
    return problems
