"""Place rules: UK postcodes, coordinates, LSOA codes and UPRNs."""

import pytest

from saferhub.places import rules
from saferhub.places.geography import LsoaGeography
from saferhub.places.services import derive_geography


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",
        "sw1a1aa",
        "LE1 6ZG",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "GIR 0AA",
        "EC1A 1BB",
        "",
    ],
)
def test_real_postcodes(postcode: str) -> None:
    assert rules.postcode_problem(postcode) == ""


@pytest.mark.parametrize(
    "postcode", ["12345", "SW1A", "QQ1 1AA", "LE1 1CI", "ABCDEFG", "SW1A 1AAA"]
)
def test_invalid_postcodes(postcode: str) -> None:
    assert rules.postcode_problem(postcode) == "Enter a real UK postcode, like SW1A 1AA"


def test_normalise_postcode() -> None:
    assert rules.normalise_postcode(" le11aa ") == "LE1 1AA"
    assert rules.normalise_postcode("ab") == "AB"


@pytest.mark.parametrize(
    ("lat", "lon", "problem"),
    [
        (None, None, ""),
        (52.6, -1.1, ""),
        (52.6, None, "both"),
        (None, -1.1, "both"),
        (48.0, 2.3, "United Kingdom"),
        (52.6, 5.0, "United Kingdom"),
    ],
)
def test_coordinates(lat: float | None, lon: float | None, problem: str) -> None:
    found = rules.coordinates_problem(lat, lon)
    assert (problem in found) if problem else found == ""


def test_lsoa_and_uprn() -> None:
    assert rules.lsoa_problem("") == "" and rules.lsoa_problem("E01012345") == ""
    assert rules.lsoa_problem("X123") != ""
    assert rules.uprn_problem("100012345678") == "" and rules.uprn_problem("12a") != ""


def test_geography_derivation_says_how() -> None:
    assert derive_geography("", lambda code: False)[2] == rules.NOTE_NO_LSOA
    assert derive_geography("E01000001", lambda code: False)[2] == rules.NOTE_NO_LOOKUP
    assert derive_geography("E01000001", lambda code: None)[2] == rules.NOTE_LSOA_UNKNOWN
    ward, district, note = derive_geography(
        "E01000001", lambda code: LsoaGeography("E05000001", "E07000001", 2019)
    )
    assert (ward, district) == ("E05000001", "E07000001") and "2019" in note
