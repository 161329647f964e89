"""Known-person matching rules: normalisation, nicknames, Soundex, Jaro-Winkler, dates."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.people.matching import (
    Candidate,
    DateMatch,
    Entered,
    NameRecord,
    after_prefix,
    best_matches,
    canonical_given_name,
    compare_dates_of_birth,
    dates_to_block_on,
    given_keys,
    given_name_forms,
    jaro_winkler,
    normalise_name,
    phonetic_key,
    score,
    stored_given_key,
    swapped,
)

D = datetime.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("O'Brien-Smith", "obriensmith"), ("  Zoë ", "zoe"), ("MCDONALD", "mcdonald"), ("", "")],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("leerow", "leerox"), ("abz", "ac"), ("mz", "n"), ("zz", None), ("a", "b")],
)
def test_after_prefix(prefix: str, expected: str | None) -> None:
    assert after_prefix(prefix) == expected


@given(
    prefix=st.text("abcyz", min_size=1, max_size=4),
    names=st.lists(st.text("abcyz", max_size=6), max_size=30),
)
def test_a_prefix_is_the_range_up_to_after_prefix(prefix: str, names: list[str]) -> None:
    """The people search filters on both: the range must keep exactly the prefixed names."""
    upper = after_prefix(prefix)
    for name in [*names, prefix, prefix + "z", prefix + "a"]:
        in_range = prefix <= name and (upper is None or name < upper)
        assert in_range == name.startswith(prefix), (prefix, name, upper)


def test_nicknames_work_both_ways() -> None:
    assert given_name_forms("Bill") == {"bill", "william"}
    assert "william" in given_name_forms("William")
    assert given_name_forms("Alex") == {"alex", "alexander", "alexandra"}
    assert given_name_forms("Mary Anne") == {"mary"}
    assert given_name_forms("  ") == frozenset()
    assert given_name_forms("Zebedee") == {"zebedee"}


def test_canonical_given_name() -> None:
    assert canonical_given_name("Liz") == "elizabeth"
    assert canonical_given_name("Elizabeth") == "elizabeth"
    assert canonical_given_name("Zebedee") == "zebedee"
    assert canonical_given_name("") == ""
    # a nickname of several names stores the first full name alphabetically
    assert canonical_given_name("Alex") == "alexander"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Smith", "S530"),
        ("Smyth", "S530"),
        ("Smtih", "S530"),
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A261"),  # h does not separate s and c
        ("Tymczak", "T522"),
        ("Lee", "L000"),
        ("", ""),
        ("123", ""),
    ],
)
def test_phonetic_key(name: str, key: str) -> None:
    assert phonetic_key(name) == key


def test_given_keys_cover_every_full_form() -> None:
    assert phonetic_key("william") in given_keys("Bill")
    assert stored_given_key("William") in given_keys("Bill")
    assert stored_given_key("Liz") == phonetic_key("elizabeth")
    assert given_keys("") == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("martha", "marhta", 0.96, 0.97),
        ("dwayne", "duane", 0.83, 0.85),
        ("dixon", "dicksonx", 0.81, 0.82),
        ("abc", "xyz", 0.0, 0.0),
        ("same", "same", 1.0, 1.0),
        ("", "", 0.0, 0.0),
        ("a", "", 0.0, 0.0),
    ],
)
def test_jaro_winkler_known_values(a: str, b: str, low: float, high: float) -> None:
    assert low <= jaro_winkler(a, b) <= high


def test_swapped_dates() -> None:
    assert swapped(D(1990, 3, 4)) == D(1990, 4, 3)
    assert swapped(D(1990, 3, 13)) is None  # 13 cannot be a month
    assert swapped(D(1990, 3, 25)) is None  # day 25 cannot be a month
    assert swapped(D(1990, 5, 5)) is None  # same either way
    assert dates_to_block_on(None) == ()
    assert dates_to_block_on(D(1990, 3, 4)) == (D(1990, 3, 4), D(1990, 4, 3))
    assert dates_to_block_on(D(1990, 3, 25)) == (D(1990, 3, 25),)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(1990, 3, 4), D(1990, 3, 4), DateMatch.SAME),
        (D(1990, 3, 4), D(1990, 4, 3), DateMatch.SWAPPED),
        (D(1990, 3, 4), D(1991, 3, 4), DateMatch.ONE_PART_DIFFERENT),
        (D(1990, 3, 4), D(1990, 3, 5), DateMatch.ONE_PART_DIFFERENT),
        (D(1990, 3, 4), D(1985, 7, 9), DateMatch.DIFFERENT),
        (None, D(1985, 7, 9), DateMatch.UNKNOWN),
        (D(1985, 7, 9), None, DateMatch.UNKNOWN),
    ],
)
def test_compare_dates_of_birth(
    a: datetime.date | None, b: datetime.date | None, expected: DateMatch
) -> None:
    assert compare_dates_of_birth(a, b) is expected


def person(
    pid: int, given: str, family: str, dob: datetime.date | None = None, *others: NameRecord
) -> Candidate:
    return Candidate(pid, (NameRecord(given, family), *others), dob)


def test_nickname_and_same_date() -> None:
    match = score(
        Entered("Bill", "Smith", D(1980, 4, 3)), person(1, "William", "Smith", D(1980, 4, 3))
    )
    assert match.score > 0.95
    assert match.reasons == ("Bill may be short for William", "Same date of birth")


def test_typo_and_swapped_date() -> None:
    match = score(
        Entered("Jhon", "Smtih", D(1980, 3, 4)), person(1, "John", "Smith", D(1980, 4, 3))
    )
    assert match.score > 0.85
    assert "Date of birth with day and month swapped" in match.reasons
    assert "Similar family name" in match.reasons
    assert "Similar first name" in match.reasons


def test_maiden_name() -> None:
    candidate = person(1, "Elizabeth", "Smith", D(1985, 2, 1), NameRecord("", "Jones", "previous"))
    match = score(Entered("Liz", "Jones", D(1985, 2, 1)), candidate)
    assert match.score > 0.95
    assert "Matches a previous or maiden name" in match.reasons


def test_alias_and_one_part_date() -> None:
    candidate = person(1, "Dean", "Ward", D(1999, 5, 20), NameRecord("Dino", "Ward", "alias"))
    match = score(Entered("Dino", "Ward", D(1999, 5, 21)), candidate)
    assert "Matches an alias" in match.reasons
    assert "Date of birth differs in the day, month or year only" in match.reasons


def test_different_people_are_not_shown() -> None:
    entered = Entered("Sarah", "Smith")
    assert best_matches(entered, [person(1, "John", "Smith")]) == []
    assert (
        best_matches(
            Entered("Ann", "Lee", D(1970, 1, 1)), [person(2, "Zed", "Okafor", D(1970, 1, 1))]
        )
        == []
    )
    assert score(Entered("", "", None), person(3, "", "")).score == pytest.approx(0.15)


def test_best_matches_sorted_and_limited() -> None:
    entered = Entered("John", "Smith", D(1980, 1, 2))
    people = [
        person(5, "John", "Smith", D(1980, 2, 1)),
        person(3, "John", "Smith", D(1980, 1, 2)),
        person(4, "John", "Smith", D(1980, 1, 2)),
        person(9, "Mary", "Brown", D(1950, 6, 7)),
    ]
    found = best_matches(entered, people, limit=2)
    assert [m.person_id for m in found] == [3, 4]
    assert [m.person_id for m in best_matches(entered, people)] == [3, 4, 5]
