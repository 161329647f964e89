"""Case policy without a database: case types as configuration, the status workflow, review
scheduling, the automatic flag rules and the document upload checks.

A case type is data (CASE_TYPES), not code: later programmes (Channel, offender management)
add a row, not a copy of the case app.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from saferhub.incidents.rules import ASB_CATEGORIES as ASB_CATEGORY_CODES


class Status(StrEnum):
    """Where a case is in its life."""

    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


STATUS_LABELS = {Status.OPEN: "Open", Status.ON_HOLD: "On hold", Status.CLOSED: "Closed"}

# The workflow: from each status, the statuses a case may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.ON_HOLD, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),  # reopening
}


def can_move(current: Status | str, target: Status | str) -> bool:
    """Whether the workflow allows moving from `current` to `target`."""
    return Status(target) in TRANSITIONS[Status(current)]


@dataclass(frozen=True)
class CaseType:
    """One kind of case: its name, reference prefix, default review interval and outcomes."""

    code: str
    label: str
    reference_prefix: str
    review_days: int
    outcomes: tuple[str, ...]
    people_roles: tuple[str, ...]


CASE_TYPES: dict[str, CaseType] = {
    ct.code: ct
    for ct in (
        CaseType(
            code="asb",
            label="Anti-social behaviour (ASB)",
            reference_prefix="ASB",
            review_days=28,
            outcomes=(
                "Behaviour stopped",
                "Acceptable behaviour contract",
                "Community protection notice",
                "Civil injunction",
                "Criminal behaviour order",
                "Closure order",
                "Mediation or restorative justice",
                "No further action",
                "Moved out of the area",
            ),
            people_roles=("victim", "complainant", "perpetrator", "witness"),
        ),
        CaseType(
            code="domestic_abuse",
            label="Domestic abuse",
            reference_prefix="DA",
            review_days=28,
            outcomes=(
                "Risk reduced",
                "Victim moved to safety",
                "Protective order in place",
                "Victim disengaged",
                "Referred to another service",
                "No further action",
            ),
            people_roles=("victim", "perpetrator", "child", "other"),
        ),
        CaseType(
            code="complex",
            label="Complex or vulnerable person",
            reference_prefix="CVP",
            review_days=28,
            outcomes=(
                "Needs met",
                "Referred to another service",
                "Declined support",
                "No further action",
            ),
            people_roles=("subject", "family member", "other"),
        ),
    )
}


def case_type(code: str) -> CaseType:
    """The configured case type (KeyError naming the known types)."""
    try:
        return CASE_TYPES[code]
    except KeyError:
        raise KeyError(f"no case type {code!r}; known: {', '.join(CASE_TYPES)}") from None


# --- Reviews -------------------------------------------------------------------------------


def review_interval(case_type_code: str, override_days: int | None) -> int:
    """Days between reviews: the override (set from a risk grade) or the case type's."""
    if override_days:
        return override_days
    return case_type(case_type_code).review_days


def next_review_due(from_day: datetime.date, interval_days: int) -> datetime.date:
    """The next review falls `interval_days` after the case opened or was last reviewed."""
    return from_day + datetime.timedelta(days=interval_days)


def review_state(due_on: datetime.date, *, today: datetime.date, soon_days: int = 7) -> str:
    """ "overdue" (due before today), "due" (within a week) or "scheduled"."""
    if due_on < today:
        return "overdue"
    if due_on <= today + datetime.timedelta(days=soon_days):
        return "due"
    return "scheduled"


def closure_problem(case_type_code: str, outcome: str) -> str:
    """Why an outcome cannot close a case of this type ("" when it can)."""
    if outcome not in case_type(case_type_code).outcomes:
        return "Select the outcome of the case"
    return ""


# --- Automatic flags (issue 4, item 5) ------------------------------------------------------


@dataclass(frozen=True)
class FlagRules:
    """A partnership's flag thresholds: N or more incidents within M calendar months. The
    defaults follow common local practice (DOMAIN.md: 3 similar ASB occurrences in 3
    months; 3 domestic abuse incidents in 12 months is potential escalation; a MARAC
    referral in the last 12 months)."""

    repeat_victim_count: int = 3
    repeat_victim_months: int = 3
    repeat_perpetrator_count: int = 3
    repeat_perpetrator_months: int = 12
    repeat_location_count: int = 3
    repeat_location_months: int = 3
    escalation_count: int = 3
    escalation_months: int = 12
    marac_months: int = 12

    @property
    def longest_window(self) -> int:
        """How far back the incident flags look, in months."""
        return max(
            self.repeat_victim_months,
            self.escalation_months,
            self.repeat_perpetrator_months,
            self.repeat_location_months,
        )


DEFAULT_FLAG_RULES = FlagRules()
FLAG_RULE_FIELDS = tuple(FlagRules.__dataclass_fields__)

# Limits a partnership may set: a "repeat" needs at least two incidents; windows run from
# 1 month to 3 years (the look-back also bounds how many incidents a page reads).
FLAG_COUNT_LIMITS = (2, 50)
FLAG_MONTHS_LIMITS = (1, 36)

# What each setting is called in messages, for the member reading them.
FLAG_RULE_WORDS: dict[str, str] = {
    "repeat_victim_count": "The number of ASB incidents for a repeat victim",
    "repeat_victim_months": "The months for a repeat victim",
    "repeat_perpetrator_count": "The number of incidents for a repeat perpetrator",
    "repeat_perpetrator_months": "The months for a repeat perpetrator",
    "repeat_location_count": "The number of incidents for a repeat location",
    "repeat_location_months": "The months for a repeat location",
    "escalation_count": "The number of domestic abuse incidents for potential escalation",
    "escalation_months": "The months for potential escalation",
    "marac_months": "The months to look back for a MARAC referral",
}


def flag_rules_problems(values: Mapping[str, object]) -> dict[str, str]:
    """What is wrong with a partnership's flag settings, by field ({} when they are fine).

    Every setting must be given as a whole number: incident counts from 2 to 50 (one incident
    is not a repeat), months from 1 to 36. Unknown names are refused too.
    """
    problems: dict[str, str] = {}
    for name in sorted(set(values) - set(FLAG_RULE_FIELDS)):
        problems[name] = f"{name} is not a flag setting"
    for name in FLAG_RULE_FIELDS:
        words = FLAG_RULE_WORDS[name]
        value = values.get(name)
        low, high = FLAG_MONTHS_LIMITS if name.endswith("_months") else FLAG_COUNT_LIMITS
        if value is None or value == "":
            problems[name] = f"Enter {words[0].lower()}{words[1:]}"
        elif isinstance(value, bool) or not isinstance(value, int):
            problems[name] = f"{words} must be a whole number, like 3"
        elif not low <= value <= high:
            problems[name] = f"{words} must be between {low} and {high}"
    return problems


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, clamped to the month's last day
    (31 May - 3 months = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def in_window(day: datetime.date, *, today: datetime.date, months: int) -> bool:
    """Whether `day` falls in the look-back window of `months` calendar months up to
    `today`, counting both ends: 12 months on 15 March 2026 runs from 15 March 2025 to
    15 March 2026. The one window rule of the flags and of the MARAC potential escalation
    criterion (marac.rules.potential_escalation), so the two always agree."""
    return months_before(today, months) <= day <= today


@dataclass(frozen=True)
class IncidentFact:
    """What the flag rules need to know about one incident."""

    incident_id: int
    occurred_on: datetime.date
    category: str
    markers: tuple[str, ...] = ()
    victims: frozenset[int] = frozenset()
    perpetrators: frozenset[int] = frozenset()
    place_id: int | None = None


class FlagKind(StrEnum):
    """The automatic flags."""

    REPEAT_VICTIM = "repeat_victim"
    POTENTIAL_ESCALATION = "potential_escalation"
    REPEAT_PERPETRATOR = "repeat_perpetrator"
    REPEAT_LOCATION = "repeat_location"
    KNOWN_TO_ANOTHER_AGENCY = "known_to_another_agency"
    MARAC_REFERRAL = "marac_referral"


FLAG_LABELS = {
    FlagKind.REPEAT_VICTIM: "Repeat victim",
    FlagKind.POTENTIAL_ESCALATION: "Potential escalation",
    FlagKind.REPEAT_PERPETRATOR: "Repeat perpetrator",
    FlagKind.REPEAT_LOCATION: "Repeat location",
    FlagKind.KNOWN_TO_ANOTHER_AGENCY: "Known to another agency",
    FlagKind.MARAC_REFERRAL: "Recent MARAC referral",
}


@dataclass(frozen=True)
class Flag:
    """A raised flag: what, why in plain words, and the records that caused it."""

    kind: FlagKind
    explanation: str
    causes: tuple[tuple[str, int], ...] = ()
    person_id: int | None = None  # the other person (perpetrator of an escalation)

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.kind]


def _recent(
    facts: Iterable[IncidentFact], *, today: datetime.date, months: int
) -> list[IncidentFact]:
    return sorted(
        (f for f in facts if in_window(f.occurred_on, today=today, months=months)),
        key=lambda f: (f.occurred_on, f.incident_id),
    )


def _causes(facts: Iterable[IncidentFact]) -> tuple[tuple[str, int], ...]:
    return tuple(("incident", f.incident_id) for f in facts)


def _months(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def repeat_victim_flag(
    person_id: int, facts: Iterable[IncidentFact], *, rules: FlagRules, today: datetime.date
) -> Flag | None:
    """Repeat victim: the person was the victim of N or more ASB incidents in the window
    (default 3 in 3 months)."""
    asb = [
        f
        for f in _recent(facts, today=today, months=rules.repeat_victim_months)
        if f.category in ASB_CATEGORY_CODES and person_id in f.victims
    ]
    if len(asb) < rules.repeat_victim_count:
        return None
    return Flag(
        FlagKind.REPEAT_VICTIM,
        f"Victim of {len(asb)} ASB incidents in the last {_months(rules.repeat_victim_months)}",
        _causes(asb),
    )


def escalation_flags(
    person_id: int, facts: Iterable[IncidentFact], *, rules: FlagRules, today: datetime.date
) -> list[Flag]:
    """Potential escalation: N or more domestic abuse incidents between the same victim and
    perpetrator in the window (default 3 in 12 months), one flag per pair the person is in."""
    recent = [
        f
        for f in _recent(facts, today=today, months=rules.escalation_months)
        if (f.category == "domestic_abuse" or "domestic_abuse" in f.markers)
    ]
    pairs: dict[tuple[int, int], list[IncidentFact]] = {}
    for fact in recent:
        for victim in fact.victims:
            for perpetrator in fact.perpetrators:
                if person_id in (victim, perpetrator) and victim != perpetrator:
                    pairs.setdefault((victim, perpetrator), []).append(fact)
    flags = []
    for (victim, perpetrator), pair_facts in sorted(pairs.items()):
        if len(pair_facts) >= rules.escalation_count:
            other = perpetrator if victim == person_id else victim
            flags.append(
                Flag(
                    FlagKind.POTENTIAL_ESCALATION,
                    f"{len(pair_facts)} domestic abuse incidents between the same victim and "
                    f"perpetrator in the last {_months(rules.escalation_months)}",
                    _causes(pair_facts),
                    person_id=other,
                )
            )
    return flags


def repeat_perpetrator_flag(
    person_id: int, facts: Iterable[IncidentFact], *, rules: FlagRules, today: datetime.date
) -> Flag | None:
    """Repeat perpetrator: suspect or perpetrator in N or more incidents in the window
    (default 3 in 12 months)."""
    as_perpetrator = [
        f
        for f in _recent(facts, today=today, months=rules.repeat_perpetrator_months)
        if person_id in f.perpetrators
    ]
    if len(as_perpetrator) < rules.repeat_perpetrator_count:
        return None
    return Flag(
        FlagKind.REPEAT_PERPETRATOR,
        f"Suspect or perpetrator in {len(as_perpetrator)} incidents in the last "
        f"{_months(rules.repeat_perpetrator_months)}",
        _causes(as_perpetrator),
    )


def repeat_location_flag(
    place_id: int, facts: Iterable[IncidentFact], *, rules: FlagRules, today: datetime.date
) -> Flag | None:
    """Repeat location: N or more incidents at the place in the window (default 3 in 3
    months)."""
    here = [
        f
        for f in _recent(facts, today=today, months=rules.repeat_location_months)
        if f.place_id == place_id
    ]
    if len(here) < rules.repeat_location_count:
        return None
    return Flag(
        FlagKind.REPEAT_LOCATION,
        f"{len(here)} incidents here in the last {_months(rules.repeat_location_months)}",
        _causes(here),
    )


def marac_flag(
    referrals: Iterable[tuple[int, datetime.date]], *, rules: FlagRules, today: datetime.date
) -> Flag | None:
    """A MARAC referral (id, date) in the window (default 12 months): the latest is named."""
    recent = sorted(
        (r for r in referrals if in_window(r[1], today=today, months=rules.marac_months)),
        key=lambda r: r[1],
    )
    if not recent:
        return None
    latest = recent[-1]
    return Flag(
        FlagKind.MARAC_REFERRAL,
        f"Referred to MARAC on {latest[1]:%-d %B %Y}, within the last "
        f"{_months(rules.marac_months)}",
        tuple(("marac_referral", r[0]) for r in recent),
    )


def known_elsewhere_flag(contacts: Iterable[str]) -> Flag | None:
    """Known to another agency: an open case held by an organisation the viewer cannot see
    the case of. Only the organisation to contact is named, never the case."""
    names = sorted(set(contacts))
    if not names:
        return None
    return Flag(
        FlagKind.KNOWN_TO_ANOTHER_AGENCY,
        f"Known to another agency: contact {', '.join(names)}",
    )


# --- Documents -----------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# Extension -> (what the content must be, the content type we store and serve).
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "txt": ("text", "text/plain"),
}


def sniff_document(head: bytes, zip_names: Iterable[str] = ()) -> str:
    """What the file's bytes say it is ("pdf", "png", "jpeg", "docx", "xlsx", "ole", "text"),
    or "" when it is none of them. `zip_names` are the members of a ZIP file (Office files
    are ZIP files with a known layout)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        names = set(zip_names)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return ""
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # a multi-byte character cut off at the end of the sample is still text
            if error.start < len(head) - 3:
                return ""
        return "text"
    return ""


def document_problem(name: str, size: int, sniffed: str, *, max_bytes: int) -> str:
    """Why an upload is refused: empty, too big, a type we do not take, or its content is
    not what its name says (a disguised file)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if size == 0:
        return "The selected file is empty"
    if size > max_bytes:
        return f"The selected file must be smaller than {max_bytes // (1024 * 1024)}MB"
    if extension not in DOCUMENT_KINDS:
        return "The selected file must be a PDF, Word, Excel, text, JPG or PNG file"
    if DOCUMENT_KINDS[extension][0] != sniffed:
        return (
            f"The selected file is not a real {extension.upper()} file: its content does not "
            "match its name"
        )
    return ""
