"""Case rules without a database: workflow, reviews, closure, every flag rule, documents."""

import datetime

import pytest

from saferhub.cases import rules
from saferhub.cases.rules import FlagKind, FlagRules, IncidentFact, Status

D = datetime.date
TODAY = D(2026, 6, 30)


def fact(
    i: int,
    days_ago: int,
    category: str = "asb:personal",
    victims: tuple[int, ...] = (1,),
    perps: tuple[int, ...] = (),
    place: int | None = None,
    markers: tuple[str, ...] = (),
) -> IncidentFact:
    return IncidentFact(
        i,
        TODAY - datetime.timedelta(days=days_ago),
        category,
        markers,
        frozenset(victims),
        frozenset(perps),
        place,
    )


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("open", "on_hold", True),
        ("open", "closed", True),
        ("on_hold", "open", True),
        ("closed", "open", True),
        ("closed", "on_hold", False),
        ("open", "open", False),
    ],
)
def test_transitions(a: str, b: str, ok: bool) -> None:
    assert rules.can_move(a, b) is ok


def test_case_types_are_configuration() -> None:
    assert {"asb", "domestic_abuse", "complex"} <= set(rules.CASE_TYPES)
    with pytest.raises(KeyError, match="known: asb"):
        rules.case_type("channel")


def test_review_interval_and_state() -> None:
    assert rules.review_interval("asb", None) == 28
    assert rules.review_interval("asb", 14) == 14
    assert rules.next_review_due(D(2026, 1, 1), 14) == D(2026, 1, 15)
    assert rules.review_state(D(2026, 6, 29), today=TODAY) == "overdue"
    assert rules.review_state(D(2026, 7, 3), today=TODAY) == "due"
    assert rules.review_state(D(2026, 8, 1), today=TODAY) == "scheduled"


def test_closure_outcomes_come_from_the_case_type() -> None:
    assert rules.closure_problem("asb", "Behaviour stopped") == ""
    assert rules.closure_problem("asb", "Risk reduced") == "Select the outcome of the case"


def test_repeat_victim_needs_three_asb_in_three_months() -> None:
    r = FlagRules()
    two = [fact(1, 5), fact(2, 40)]
    assert rules.repeat_victim_flag(1, two, rules=r, today=TODAY) is None
    three = [*two, fact(3, 80)]
    flag = rules.repeat_victim_flag(1, three, rules=r, today=TODAY)
    assert flag is not None and flag.kind is FlagKind.REPEAT_VICTIM
    assert flag.causes == (("incident", 3), ("incident", 2), ("incident", 1))
    assert flag.explanation == "Victim of 3 ASB incidents in the last 3 months"
    # too old, not ASB, or not the victim: not counted
    assert rules.repeat_victim_flag(1, [*two, fact(3, 100)], rules=r, today=TODAY) is None
    assert (
        rules.repeat_victim_flag(1, [*two, fact(3, 10, "crime:Burglary")], rules=r, today=TODAY)
        is None
    )
    assert (
        rules.repeat_victim_flag(1, [*two, fact(3, 10, victims=(2,))], rules=r, today=TODAY) is None
    )
    # a future-dated fact is ignored
    assert rules.repeat_victim_flag(1, [*two, fact(3, -3)], rules=r, today=TODAY) is None
    # configurable per partnership
    assert (
        rules.repeat_victim_flag(1, two, rules=FlagRules(repeat_victim_count=2), today=TODAY)
        is not None
    )


def test_potential_escalation_same_victim_and_perpetrator() -> None:
    r = FlagRules()
    da = [fact(i, i * 30, "domestic_abuse", (1,), (9,)) for i in range(1, 4)]
    flags = rules.escalation_flags(1, da, rules=r, today=TODAY)
    assert len(flags) == 1 and flags[0].person_id == 9
    assert flags[0].explanation.startswith(
        "3 domestic abuse incidents between the same victim and perpetrator in the last 12 months"
    )
    # seen from the perpetrator's side the other person is the victim
    assert rules.escalation_flags(9, da, rules=r, today=TODAY)[0].person_id == 1
    # a marker counts as domestic abuse too
    marked = [
        *da[:2],
        fact(5, 10, "crime:Violence and sexual offences", (1,), (9,), markers=("domestic_abuse",)),
    ]
    assert rules.escalation_flags(1, marked, rules=r, today=TODAY)
    # different perpetrators do not add up
    mixed = [*da[:2], fact(6, 10, "domestic_abuse", (1,), (8,))]
    assert rules.escalation_flags(1, mixed, rules=r, today=TODAY) == []
    # a person listed as both victim and perpetrator is not a pair with themself
    assert (
        rules.escalation_flags(
            1, [fact(i, i, "domestic_abuse", (1,), (1,)) for i in range(3)], rules=r, today=TODAY
        )
        == []
    )
    assert (
        rules.escalation_flags(
            1, [*da[:2], fact(7, 400, "domestic_abuse", (1,), (9,))], rules=r, today=TODAY
        )
        == []
    )


def test_repeat_perpetrator() -> None:
    r = FlagRules()
    facts = [fact(i, i * 50, "crime:Criminal damage and arson", (2,), (1,)) for i in range(1, 4)]
    flag = rules.repeat_perpetrator_flag(1, facts, rules=r, today=TODAY)
    assert flag is not None and "Suspect or perpetrator in 3 incidents" in flag.explanation
    assert rules.repeat_perpetrator_flag(1, facts[:2], rules=r, today=TODAY) is None


def test_repeat_location() -> None:
    r = FlagRules()
    facts = [fact(i, i * 20, place=7) for i in range(1, 4)]
    flag = rules.repeat_location_flag(7, facts, rules=r, today=TODAY)
    assert flag is not None and flag.explanation == "3 incidents here in the last 3 months"
    assert rules.repeat_location_flag(8, facts, rules=r, today=TODAY) is None


def test_marac_flag() -> None:
    r = FlagRules()
    assert rules.marac_flag([], rules=r, today=TODAY) is None
    assert rules.marac_flag([(1, D(2025, 1, 1))], rules=r, today=TODAY) is None
    flag = rules.marac_flag([(1, D(2025, 9, 1)), (2, D(2026, 3, 2))], rules=r, today=TODAY)
    assert flag is not None
    assert flag.explanation == "Referred to MARAC on 2 March 2026, within the last 12 months"
    assert flag.label == "Recent MARAC referral"
    # a shorter look-back set by the partnership
    assert (
        rules.marac_flag([(2, D(2026, 3, 2))], rules=FlagRules(marac_months=3), today=TODAY) is None
    )
    flag = rules.marac_flag([(2, D(2026, 3, 30))], rules=FlagRules(marac_months=3), today=TODAY)
    assert flag is not None and flag.explanation.endswith("within the last 3 months")


def test_windows_are_calendar_months() -> None:
    assert rules.months_before(D(2026, 6, 30), 3) == D(2026, 3, 30)
    assert rules.months_before(D(2026, 5, 31), 3) == D(2026, 2, 28)
    assert rules.months_before(D(2024, 5, 31), 3) == D(2024, 2, 29)
    assert rules.months_before(D(2026, 1, 15), 1) == D(2025, 12, 15)
    assert rules.months_before(D(2026, 6, 30), 12) == D(2025, 6, 30)
    # the first day of the window counts, the day before does not
    r = FlagRules(repeat_victim_count=2, repeat_victim_months=1)
    on_edge = [fact(1, 0), fact(2, 31)]  # 30 May 2026 is one month before 30 June
    assert rules.repeat_victim_flag(1, on_edge, rules=r, today=TODAY) is not None
    assert rules.repeat_victim_flag(1, [fact(1, 0), fact(2, 32)], rules=r, today=TODAY) is None
    flag = rules.repeat_victim_flag(1, on_edge, rules=r, today=TODAY)
    assert flag is not None and flag.explanation == "Victim of 2 ASB incidents in the last 1 month"


def test_repeat_perpetrator_and_location_follow_the_partnership() -> None:
    facts = [fact(i, i * 20, "crime:Criminal damage and arson", (2,), (1,), 7) for i in (1, 2)]
    strict = FlagRules(repeat_perpetrator_count=2, repeat_location_count=2)
    assert rules.repeat_perpetrator_flag(1, facts, rules=FlagRules(), today=TODAY) is None
    assert rules.repeat_perpetrator_flag(1, facts, rules=strict, today=TODAY) is not None
    assert rules.repeat_location_flag(7, facts, rules=strict, today=TODAY) is not None
    short = FlagRules(repeat_location_count=2, repeat_location_months=1)
    assert rules.repeat_location_flag(7, facts, rules=short, today=TODAY) is None
    da = [fact(i, i * 100, "domestic_abuse", (1,), (9,)) for i in range(1, 4)]
    assert rules.escalation_flags(1, da, rules=FlagRules(), today=TODAY)
    assert rules.escalation_flags(1, da, rules=FlagRules(escalation_months=9), today=TODAY) == []
    assert rules.escalation_flags(1, da, rules=FlagRules(escalation_count=4), today=TODAY) == []


def valid_flag_values(**changes: object) -> dict[str, object]:
    return {**{f: getattr(rules.DEFAULT_FLAG_RULES, f) for f in rules.FLAG_RULE_FIELDS}, **changes}


def test_flag_settings_validation() -> None:
    assert rules.flag_rules_problems(valid_flag_values()) == {}
    assert (
        rules.flag_rules_problems(valid_flag_values(repeat_victim_count=2, marac_months=36)) == {}
    )
    assert rules.flag_rules_problems(valid_flag_values(repeat_victim_count=1)) == {
        "repeat_victim_count": "The number of ASB incidents for a repeat victim must be between 2 and 50"
    }
    assert rules.flag_rules_problems(valid_flag_values(escalation_count=51)) == {
        "escalation_count": "The number of domestic abuse incidents for potential escalation "
        "must be between 2 and 50"
    }
    assert rules.flag_rules_problems(valid_flag_values(repeat_location_months=0)) == {
        "repeat_location_months": "The months for a repeat location must be between 1 and 36"
    }
    assert rules.flag_rules_problems(valid_flag_values(marac_months=37)) == {
        "marac_months": "The months to look back for a MARAC referral must be between 1 and 36"
    }
    assert rules.flag_rules_problems(valid_flag_values(escalation_months=-3)) == {
        "escalation_months": "The months for potential escalation must be between 1 and 36"
    }
    # missing, not whole numbers, and unknown names
    missing = valid_flag_values()
    del missing["repeat_perpetrator_months"]
    assert rules.flag_rules_problems(missing) == {
        "repeat_perpetrator_months": "Enter the months for a repeat perpetrator"
    }
    assert rules.flag_rules_problems(valid_flag_values(repeat_victim_months="3")) == {
        "repeat_victim_months": "The months for a repeat victim must be a whole number, like 3"
    }
    assert rules.flag_rules_problems(valid_flag_values(repeat_victim_months=2.5)) != {}
    assert rules.flag_rules_problems(valid_flag_values(repeat_victim_months=True)) != {}
    assert set(rules.flag_rules_problems(valid_flag_values(repeat_victim_days=91))) == {
        "repeat_victim_days"
    }


def test_known_elsewhere_names_only_the_organisation() -> None:
    assert rules.known_elsewhere_flag([]) is None
    flag = rules.known_elsewhere_flag(["Police", "Council", "Police"])
    assert (
        flag is not None and flag.explanation == "Known to another agency: contact Council, Police"
    )
    assert flag.causes == ()
    assert rules.DEFAULT_FLAG_RULES.longest_window == 12


@pytest.mark.parametrize(
    ("head", "names", "kind"),
    [
        (b"%PDF-1.7", (), "pdf"),
        (b"\x89PNG\r\n\x1a\nxx", (), "png"),
        (b"\xff\xd8\xff\xe0", (), "jpeg"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (), "ole"),
        (b"PK\x03\x04", ("[Content_Types].xml", "word/document.xml"), "docx"),
        (b"PK\x03\x04", ("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (b"PK\x03\x04", ("[Content_Types].xml", "ppt/x.xml"), ""),
        (b"PK\x03\x04", ("evil.exe",), ""),
        (b"Plain notes\n", (), "text"),
        ("café".encode()[:-1], (), "text"),  # a character cut off at the end of the sample
        (b"\xff\xfe\x00bad", (), ""),
        (b"bad \xff\xfe bytes in the middle of text", (), ""),
    ],
)
def test_sniff_document(head: bytes, names: tuple[str, ...], kind: str) -> None:
    assert rules.sniff_document(head, names) == kind


@pytest.mark.parametrize(
    ("name", "size", "sniffed", "problem"),
    [
        ("a.pdf", 10, "pdf", ""),
        ("a.PDF", 10, "pdf", ""),
        ("a.pdf", 0, "pdf", "empty"),
        ("a.pdf", 11 * 1024 * 1024, "pdf", "smaller than 10MB"),
        ("a.exe", 10, "", "must be a PDF"),
        ("noextension", 10, "text", "must be a PDF"),
        ("a.pdf", 10, "text", "not a real PDF"),
        ("a.doc", 10, "ole", ""),
    ],
)
def test_document_problem(name: str, size: int, sniffed: str, problem: str) -> None:
    found = rules.document_problem(name, size, sniffed, max_bytes=rules.MAX_DOCUMENT_BYTES)
    assert (problem in found) if problem else found == ""


def test_statuses_have_labels() -> None:
    assert set(rules.STATUS_LABELS) == set(Status)
