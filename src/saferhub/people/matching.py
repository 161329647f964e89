"""Known-person matching (issue 4, item 4): pure Python, no database.

While a member records a person, SaferHub shows existing people who may be the same person,
so they link rather than duplicate. This module holds the policy:

- `normalise_name`: lower case, accents and punctuation removed ("O'Brien-Smith" ->
  "obriensmith").
- `NICKNAMES` / `given_name_forms`: a small table of English nicknames (Bill -> William,
  Liz -> Elizabeth...) so "Bill Smith" finds "William Smith".
- `phonetic_key`: American Soundex of the normalised name; it survives most typos after the
  first letter ("Smtih" = "Smith" = S530) and is stored in indexed columns so candidates are
  fetched by key, never by scanning every person.
- `jaro_winkler`: string similarity for typos (0 to 1).
- `compare_dates_of_birth`: exact, day and month swapped, one part mistyped, or different.
- `score`: combines them into a score from 0 to 1 with the reasons a member reads
  ("Date of birth with day and month swapped", "Bill is a short form of William").

Candidates are retrieved by `blocking_keys` (selectors), scored here, and shown when the score
reaches `MATCH_THRESHOLD`.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MATCH_THRESHOLD = 0.72
MAX_CANDIDATES = 10

# Short forms and the full names they stand for (a name may stand for several).
_NICKNAME_GROUPS: dict[str, tuple[str, ...]] = {
    "william": ("bill", "billy", "will", "willy", "liam"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "eliza", "libby", "bess"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "richard": ("dick", "rick", "ricky", "rich", "richie"),
    "margaret": ("maggie", "meg", "peggy", "marge", "madge"),
    "catherine": ("cathy", "cath", "kate", "katie", "kat"),
    "katherine": ("kathy", "kath", "kate", "katie", "kat"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny"),
    "michael": ("mike", "mikey", "mick", "micky"),
    "thomas": ("tom", "tommy"),
    "anthony": ("tony", "ant"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "charles": ("charlie", "chas", "chuck"),
    "joseph": ("joe", "joey"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy"),
    "christopher": ("chris", "kit"),
    "christine": ("chris", "chrissie", "tina"),
    "alexander": ("alex", "al", "sandy", "xander"),
    "alexandra": ("alex", "lexi", "sandra", "sandy"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam", "sammy"),
    "benjamin": ("ben", "benny"),
    "matthew": ("matt", "matty"),
    "nicholas": ("nick", "nicky"),
    "nicola": ("nicky", "nikki"),
    "stephen": ("steve", "stevie"),
    "steven": ("steve", "stevie"),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("pat", "paddy"),
    "susan": ("sue", "suzy", "susie"),
    "deborah": ("debbie", "deb", "debs"),
    "rebecca": ("becky", "becca", "bex"),
    "jennifer": ("jen", "jenny"),
    "victoria": ("vicky", "vicki", "tori"),
    "josephine": ("jo", "josie"),
    "joanne": ("jo",),
    "frederick": ("fred", "freddie"),
    "henry": ("harry", "hal"),
    "andrew": ("andy", "drew"),
    "peter": ("pete",),
    "gregory": ("greg",),
    "timothy": ("tim", "timmy"),
    "lawrence": ("larry", "laurie"),
    "abigail": ("abby", "abi", "gail"),
    "amanda": ("mandy",),
    "dorothy": ("dot", "dolly"),
    "mary": ("molly", "polly"),
    "sarah": ("sally",),
    "helen": ("nell", "nellie"),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donny"),
    "raymond": ("ray",),
    "terence": ("terry",),
    "leonard": ("len", "lenny"),
    "gerald": ("gerry",),
    "philip": ("phil",),
    "douglas": ("doug",),
    "zachary": ("zac", "zack"),
}


def _build_nicknames() -> dict[str, frozenset[str]]:
    forms: dict[str, set[str]] = {}
    for full, shorts in _NICKNAME_GROUPS.items():
        forms.setdefault(full, set()).add(full)
        for short in shorts:
            forms.setdefault(short, set()).add(full)
    return {name: frozenset(full) for name, full in forms.items()}


# name -> the full names it may stand for (a full name stands for itself)
NICKNAMES: dict[str, frozenset[str]] = _build_nicknames()


def normalise_name(name: str) -> str:
    """Lower case ASCII letters only: accents folded, spaces, hyphens and apostrophes gone."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded.lower() if "a" <= c <= "z")


def after_prefix(prefix: str) -> str | None:
    """The smallest normalised name (a to z only) after every name that starts with
    `prefix` ("leerow" -> "leerox", "abz" -> "ac"), or None when there is none ("zz").

    With it a prefix search is also a range on the name's ordinary index, which PostgreSQL
    can walk in order for a page of results; the LIKE alone is used as a range only in the
    "C" collation. For names of the letters a to z, the range is the same in the C, C.UTF-8
    and English collations."""
    stem = prefix.rstrip("z")
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def given_name_forms(given_name: str) -> frozenset[str]:
    """The full names a given name may stand for, including itself ("bill" -> {"bill",
    "william"}). Only the first given name counts ("Mary Anne" -> "mary")."""
    first = given_name.split()[0] if given_name.split() else ""
    name = normalise_name(first)
    if not name:
        return frozenset()
    return frozenset({name}) | NICKNAMES.get(name, frozenset())


def canonical_given_name(given_name: str) -> str:
    """The one full form stored for blocking: the alphabetically first full name a given name
    may stand for (a name with no entry stands for itself)."""
    forms = given_name_forms(given_name)
    full = sorted(forms - {normalise_name(given_name.split()[0])}) if forms else []
    if full:
        return full[0]
    return min(forms) if forms else ""


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def phonetic_key(name: str) -> str:
    """American Soundex of the normalised name ("Smith" and "Smyth" -> "S530"); "" if empty."""
    letters = normalise_name(name)
    if not letters:
        return ""
    key = letters[0].upper()
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for letter in letters[1:]:
        code = _SOUNDEX_CODES.get(letter, "")
        if code and code != previous:
            key += code
            if len(key) == 4:
                break
        if letter not in "hw":  # h and w do not separate letters with the same code
            previous = code
    return key.ljust(4, "0")


def given_keys(given_name: str) -> frozenset[str]:
    """Phonetic keys of every full form of the given name (for the blocking query)."""
    return frozenset(phonetic_key(f) for f in given_name_forms(given_name)) - {""}


def stored_given_key(given_name: str) -> str:
    """The phonetic key stored on a person for their given name (of its canonical form)."""
    return phonetic_key(canonical_given_name(given_name))


def jaro_winkler(a: str, b: str, *, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity of two strings: 1 identical, 0 nothing in common."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_matched = [False] * len(a)
    b_matched = [False] * len(b)
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(i + window + 1, len(b))):
            if not b_matched[j] and b[j] == char:
                a_matched[i] = b_matched[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    a_chars = [c for c, m in zip(a, a_matched, strict=True) if m]
    b_chars = [c for c, m in zip(b, b_matched, strict=True) if m]
    transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


class DateMatch(StrEnum):
    """How two dates of birth compare."""

    SAME = "same"
    SWAPPED = "swapped"  # day and month the wrong way round
    ONE_PART_DIFFERENT = "one_part_different"  # a typo in the day, month or year
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # one or both not known


DATE_WEIGHTS = {
    DateMatch.SAME: 1.0,
    DateMatch.SWAPPED: 0.9,
    DateMatch.ONE_PART_DIFFERENT: 0.75,
    DateMatch.DIFFERENT: 0.0,
    DateMatch.UNKNOWN: 0.5,
}


def swapped(date: datetime.date) -> datetime.date | None:
    """The date with day and month exchanged, if that is a real, different date."""
    if date.day > 12 or date.day == date.month:
        return None
    return datetime.date(date.year, date.day, date.month)


def compare_dates_of_birth(a: datetime.date | None, b: datetime.date | None) -> DateMatch:
    """Exact, day and month swapped, one of day, month or year different, or different."""
    if a is None or b is None:
        return DateMatch.UNKNOWN
    if a == b:
        return DateMatch.SAME
    if swapped(a) == b:
        return DateMatch.SWAPPED
    same_parts = (a.day == b.day) + (a.month == b.month) + (a.year == b.year)
    if same_parts == 2:
        return DateMatch.ONE_PART_DIFFERENT
    return DateMatch.DIFFERENT


def dates_to_block_on(date: datetime.date | None) -> tuple[datetime.date, ...]:
    """Dates of birth whose holders are fetched as candidates: the date and its swap."""
    if date is None:
        return ()
    other = swapped(date)
    return (date,) if other is None else (date, other)


@dataclass(frozen=True)
class NameRecord:
    """One name a person is or was known by."""

    given_name: str
    family_name: str
    kind: str = "current"  # "current", or PersonName.Kind: alias, nickname, previous


@dataclass(frozen=True)
class Entered:
    """What the member has typed so far."""

    given_name: str
    family_name: str
    date_of_birth: datetime.date | None = None


@dataclass(frozen=True)
class Candidate:
    """An existing person, as the matcher needs them."""

    person_id: int
    names: Sequence[NameRecord]
    date_of_birth: datetime.date | None = None


@dataclass(frozen=True)
class Match:
    """A candidate worth showing, with its score and the reasons in plain words."""

    person_id: int
    score: float
    reasons: tuple[str, ...] = field(default=())


# Scoring compares the few names typed with hundreds of candidates' names, most of them
# common: both comparisons are pure, so each process remembers recent results.
@functools.lru_cache(maxsize=8192)
def _given_similarity(entered: str, existing: str) -> tuple[float, str]:
    a, b = (
        normalise_name(entered.split()[0] if entered.split() else ""),
        normalise_name(existing.split()[0] if existing.split() else ""),
    )
    if not a or not b:
        return 0.0, ""
    if a == b:
        return 1.0, ""
    if given_name_forms(a) & given_name_forms(b):
        short, full = (a, b) if len(a) <= len(b) else (b, a)
        return 0.95, f"{short.capitalize()} may be short for {full.capitalize()}"
    similarity = jaro_winkler(a, b)
    return similarity, "Similar first name" if similarity >= 0.85 else ""


@functools.lru_cache(maxsize=8192)
def _family_similarity(entered: str, existing: str) -> float:
    a, b = normalise_name(entered), normalise_name(existing)
    if not a or not b:
        return 0.0
    return jaro_winkler(a, b)


_DATE_REASONS = {
    DateMatch.SAME: "Same date of birth",
    DateMatch.SWAPPED: "Date of birth with day and month swapped",
    DateMatch.ONE_PART_DIFFERENT: "Date of birth differs in the day, month or year only",
}

_KIND_REASONS = {
    "previous": "Matches a previous or maiden name",
    "alias": "Matches an alias",
    "nickname": "Matches a recorded nickname",
}


def score(entered: Entered, candidate: Candidate) -> Match:
    """How likely the candidate is the person being entered (0 to 1), and why.

    Names count for 70% (first name 30%, family name 40%; the best of the candidate's current
    and other names), the date of birth for 30%. A family name that matches only a previous
    name still counts fully: people change names on marriage or separation.
    """
    best = (0.0, "", "", "current")
    for name in candidate.names:
        given, given_reason = _given_similarity(entered.given_name, name.given_name)
        family = _family_similarity(entered.family_name, name.family_name)
        if not name.given_name and name.kind != "current":  # an other name with no first name
            given, given_reason = _given_similarity(
                entered.given_name, candidate.names[0].given_name
            )
        names_score = 0.3 * given + 0.4 * family
        if names_score > best[0]:
            family_reason = "Similar family name" if 0.85 <= family < 1.0 else ""
            best = (names_score, given_reason, family_reason, name.kind)
    date_match = compare_dates_of_birth(entered.date_of_birth, candidate.date_of_birth)
    total = best[0] + 0.3 * DATE_WEIGHTS[date_match]
    reasons = [r for r in (best[1], best[2]) if r]
    if best[3] in _KIND_REASONS:
        reasons.append(_KIND_REASONS[best[3]])
    if date_match in _DATE_REASONS:
        reasons.append(_DATE_REASONS[date_match])
    return Match(candidate.person_id, round(total, 4), tuple(reasons))


def best_matches(
    entered: Entered,
    candidates: Iterable[Candidate],
    *,
    threshold: float = MATCH_THRESHOLD,
    limit: int = MAX_CANDIDATES,
) -> list[Match]:
    """The candidates scoring at least `threshold`, best first, at most `limit`."""
    scored = [score(entered, c) for c in candidates]
    kept = [m for m in scored if m.score >= threshold]
    kept.sort(key=lambda m: (-m.score, m.person_id))
    return kept[:limit]
