"""Place policy without a database: UK postcodes, coordinates and UPRNs.

SaferHub has no postcode lookup (the warehouse holds ONS LSOA -> ward -> district lookups but
no postcode directory and no LSOA centroids), so it cannot turn a postcode or coordinates into
an LSOA. A member may give the LSOA code; when the warehouse holds the LSOA lookup, the ward
and district are derived from it. Otherwise the place is stored as given and says so
(`geography_note`).
"""

from __future__ import annotations

import re

# The UK postcode format (BS 7666), including GIR 0AA; spaces are optional when typed.
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_LSOA = re.compile(r"^[EW]01[0-9]{6}$")
_UPRN = re.compile(r"^[0-9]{1,12}$")

# Great Britain and Northern Ireland, generously (WGS84).
UK_LATITUDE = (49.8, 60.95)
UK_LONGITUDE = (-8.7, 1.9)


def normalise_postcode(text: str) -> str:
    """Upper case with one space before the inward code ("sw1a1aa" -> "SW1A 1AA")."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_problem(text: str) -> str:
    """Why a postcode is not a real UK postcode ("" when it is, or when none is given)."""
    compact = "".join(text.split()).upper()
    if not compact:
        return ""
    if not _POSTCODE.match(compact):
        return "Enter a real UK postcode, like SW1A 1AA"
    return ""


def coordinates_problem(latitude: float | None, longitude: float | None) -> str:
    """Why coordinates are unusable: only one given, or outside the UK."""
    if latitude is None and longitude is None:
        return ""
    if latitude is None or longitude is None:
        return "Enter both latitude and longitude, or neither"
    if not (UK_LATITUDE[0] <= latitude <= UK_LATITUDE[1]) or not (
        UK_LONGITUDE[0] <= longitude <= UK_LONGITUDE[1]
    ):
        return "Coordinates must be in the United Kingdom"
    return ""


def lsoa_problem(code: str) -> str:
    """Why an LSOA code is not an England or Wales 2011 LSOA code."""
    if code and not _LSOA.match(code.strip().upper()):
        return "Enter an LSOA code like E01012345"
    return ""


def uprn_problem(uprn: str) -> str:
    """Why a UPRN is not a UPRN (up to 12 digits)."""
    if uprn and not _UPRN.match(uprn.strip()):
        return "A UPRN is up to 12 digits"
    return ""


NOTE_DERIVED = "Ward and district derived from the LSOA code (ONS lookup {version})"
NOTE_LSOA_UNKNOWN = "LSOA code not in the loaded ONS lookup: ward and district not derived"
NOTE_NO_LOOKUP = (
    "No geography lookup is loaded: ward and district not derived. SaferHub has no postcode "
    "lookup, so the LSOA is only known when it is entered."
)
NOTE_NO_LSOA = (
    "LSOA, ward and district not known: SaferHub has no postcode or coordinate lookup, "
    "so they are stored only when the LSOA code is entered."
)
