"""Board report policy without a database: periods in addresses, sentences, priorities,
numbers commentary may not state in public, and who may do what."""

from __future__ import annotations

import pytest

from saferhub.organisations.rules import Role
from saferhub.reports import rules
from saferhub.reports.rules import LineFacts


@pytest.mark.parametrize(
    ("period", "period_type", "token"),
    [
        ("2022-Q2", "quarter", "2022-Q2"),
        ("2022-Q2", "rolling-12", "2022-Q2_rolling-12"),
        ("2022/23", "fy", "fy2022-23"),
        ("2022/23", "fytd", "fy2022-23_fytd"),
        ("2022-07", "month", "2022-07"),
    ],
)
def test_period_tokens_round_trip(period: str, period_type: str, token: str) -> None:
    assert rules.period_token(period, period_type) == token
    assert rules.parse_period_token(token) == (period, period_type)


@pytest.mark.parametrize("token", ["2022-Q5", "2022-13", "fy2022", "2022-Q2_weekly", "x", ""])
def test_unknown_period_tokens_name_nothing(token: str) -> None:
    assert rules.parse_period_token(token) is None


def test_canonical_period_normalises_and_refuses_nonsense() -> None:
    assert rules.canonical_period("2022-q2") == ("2022-Q2", "quarter")
    assert rules.canonical_period("2022-Q2", "rolling-12") == ("2022-Q2", "rolling-12")
    with pytest.raises(ValueError, match="is not a period"):
        rules.canonical_period("last quarter")


def test_change_sentence_matches_the_issue_example() -> None:
    sentence = rules.change_sentence("Violence and sexual offences", 7055, 6142, 16.0, True)
    assert sentence == (
        "Violence and sexual offences rose 16% (from 6,142 to 7,055); the rise is "
        "statistically significant."
    )


def test_change_sentence_falls_and_uncertain_changes() -> None:
    assert rules.change_sentence("Burglary", 90, 100, -10.0, False) == (
        "Burglary fell 10% (from 100 to 90); the fall is not statistically significant."
    )
    assert rules.change_sentence("Robbery", 12, 8, None, None) == (
        "Robbery rose (from 8 to 12); significance was not tested."
    )
    assert rules.change_sentence("Drugs", 5, 5, 0.0, False) == "Drugs was unchanged at 5."
    assert rules.change_sentence("Drugs", None, 5, None, None) is None


def _facts(
    i: str, significant: bool | None, pct: float | None, rag: str | None = None
) -> LineFacts:
    return LineFacts(i, i.title(), 110, 100, pct, significant, rag)


def test_summary_lists_significant_changes_largest_first_then_the_rest() -> None:
    lines = [
        _facts("a", True, 10.0),
        _facts("b", False, 3.0),
        _facts("c", True, -40.0),
        _facts("d", None, None),
    ]
    summary = rules.summary_sentences(lines)
    assert summary[0].startswith("C rose 40%")
    assert summary[1].startswith("A ")
    assert summary[2] == (
        "The other 1 indicator tested did not change significantly compared with the same "
        "period a year earlier."
    )


def test_summary_when_nothing_changed_significantly() -> None:
    summary = rules.summary_sentences([_facts("a", False, 1.0), _facts("b", False, 2.0)])
    assert summary == (
        "None of the 2 indicators tested changed significantly compared with the same period "
        "a year earlier.",
    )
    assert rules.summary_sentences([_facts("a", None, None)]) == (
        "No indicator could be compared with the same period a year earlier.",
    )


def test_priorities_are_significant_red_or_commented_in_scorecard_order() -> None:
    lines = [
        _facts("a", False, 1.0),
        _facts("b", True, 20.0),
        _facts("c", False, 1.0, "red"),
        _facts("d", False, 1.0, "amber"),
        _facts("e", None, None),
    ]
    assert rules.priority_ids(lines, with_commentary=["e"]) == ("b", "c", "e")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("There were 3 burglaries in one street.", (3,)),
        ("Since 1 April the team has patrolled weekly.", ()),
        ("Burglary rose from 2,796 to 2,925 in 2022.", ()),
        ("A rise of 4.6% is not significant.", ()),
        ("Four teams, 12 patrols and 1 new officer.", (1,)),
        ("In Q2 we met 2022-07 targets.", ()),
    ],
)
def test_small_numbers_in_commentary(text: str, found: tuple[int, ...]) -> None:
    assert rules.small_numbers_in(text, 5) == found


def test_commentary_problems_name_the_indicator() -> None:
    problems = rules.commentary_problems(
        {"burglary": "3 homes", "asb": "fine", "gone": "2 things"},
        {"burglary": "Burglary", "asb": "ASB"},
        5,
    )
    assert problems == (
        "The commentary on Burglary mentions 3: a published report cannot state a number "
        "below 5. Change the commentary first",
    )


@pytest.mark.parametrize(
    ("role", "view", "write", "publish", "restricted"),
    [
        (Role.ANALYST, True, True, False, True),
        (Role.BOARD_MEMBER, True, False, False, False),
        (Role.PARTNERSHIP_ADMINISTRATOR, True, False, True, False),
        (Role.MARAC_COORDINATOR, True, False, False, True),
        (Role.TEAM_MANAGER, True, False, False, True),
        (Role.CASEWORKER, False, False, False, False),
        (Role.SYSTEM_ADMINISTRATOR, False, False, False, False),
    ],
)
def test_who_may_do_what(
    role: Role, view: bool, write: bool, publish: bool, restricted: bool
) -> None:
    assert rules.may_view_reports(role) is view
    assert rules.may_write_commentary(role) is write
    assert rules.may_publish(role) is publish
    assert rules.may_see_restricted(role) is restricted


def test_figures_are_printed_plainly() -> None:
    assert rules.whole(7055) == "7,055"
    assert rules.whole(None) == "–"
    assert rules.one_decimal(12.345) == "12.3"
    assert rules.signed_percent(15.6) == "+16%"
    assert rules.signed_percent(-4.2) == "-4%"
    assert rules.signed_percent(0.2) == "0%"
