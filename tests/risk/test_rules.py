"""Risk rules against worked cases: DASH grading and judgement, ASB scoring, review
intervals, questionnaire parsing and the Community Trigger windows."""

import datetime
import tomllib
from pathlib import Path

import pytest

from saferhub.risk import rules
from saferhub.risk.rules import (
    Answer,
    Complaint,
    Grade,
    Proposal,
    RuleError,
    Thresholds,
    add_months,
    apply_judgement,
    community_trigger,
    dash_proposals,
    grade_for,
    marac_criterion_for,
    parse_definition,
    review_days_for,
    score,
    unanswered,
)

QUESTIONNAIRES = Path(rules.__file__).parent / "questionnaires"


def load(name: str) -> rules.Definition:
    return parse_definition(tomllib.loads((QUESTIONNAIRES / name).read_text()))


DASH = load("dash.v1.toml")
ASB = load("asb-victim.v1.toml")


def dash_answers(yes: int, not_known: int = 0) -> dict[str, str]:
    answers = {}
    for index, qid in enumerate(DASH.question_ids):
        if index < yes:
            answers[qid] = "yes"
        elif index < yes + not_known:
            answers[qid] = "not_known"
        else:
            answers[qid] = "no"
    return answers


def test_the_shipped_dash_has_24_questions_with_topics_only() -> None:
    assert DASH.code == "dash" and DASH.version == 1
    assert len(DASH.questions) == 24
    assert DASH.question_ids[0] == "q01" and DASH.question_ids[-1] == "q24"
    assert DASH.questions[14].topic.startswith("Strangling")
    assert (DASH.medium_from, DASH.high_from) == (10, 14)
    assert DASH.max_score == 24


def test_the_shipped_asb_assessment_is_weighted() -> None:
    assert ASB.scoring is rules.Scoring.WEIGHTED
    assert ASB.max_score == 35
    assert (ASB.medium_from, ASB.high_from) == (12, 22)


@pytest.mark.parametrize(
    ("yes", "grade"),
    [
        (0, Grade.STANDARD),
        (9, Grade.STANDARD),
        (10, Grade.MEDIUM),
        (13, Grade.MEDIUM),
        (14, Grade.HIGH),
        (24, Grade.HIGH),
    ],
)
def test_dash_grading_worked_cases(yes: int, grade: Grade) -> None:
    answers = dash_answers(yes, not_known=24 - yes)  # not known never counts
    assert score(DASH, answers) == yes
    assert grade_for(yes, medium_from=10, high_from=14) is grade


def test_thresholds_are_configurable_per_partnership() -> None:
    assert grade_for(12, medium_from=8, high_from=12) is Grade.HIGH
    with pytest.raises(RuleError):
        grade_for(5, medium_from=10, high_from=10)
    with pytest.raises(RuleError):
        grade_for(5, medium_from=0, high_from=10)


def test_an_unanswered_dash_is_refused_naming_the_questions() -> None:
    answers = dash_answers(14)
    del answers["q03"]
    answers["q07"] = "maybe"
    assert [q.id for q in unanswered(DASH, answers)] == ["q03", "q07"]
    with pytest.raises(RuleError, match="2 question"):
        score(DASH, answers)


def test_answers_to_questions_outside_the_version_are_refused() -> None:
    answers = dash_answers(3)
    answers["q99"] = "yes"
    with pytest.raises(RuleError, match="q99"):
        score(DASH, answers)


def test_asb_weighted_score() -> None:
    answers = {q.id: "no" for q in ASB.questions}
    assert score(ASB, answers) == 0
    answers.update(a01="yes", a03="yes", a06="yes", a10="yes", a04="not_known")
    assert score(ASB, answers) == 4 + 4 + 4 + 4 + 1
    assert grade_for(17, medium_from=12, high_from=22) is Grade.MEDIUM
    answers.update(a02="yes", a05="yes")
    assert score(ASB, answers) == 23
    assert grade_for(23, medium_from=12, high_from=22) is Grade.HIGH


def test_judgement_raises_with_reasons_and_never_lowers() -> None:
    assert apply_judgement(Grade.MEDIUM, None, "") is Grade.MEDIUM
    assert apply_judgement(Grade.MEDIUM, Grade.MEDIUM, "") is Grade.MEDIUM
    assert apply_judgement(Grade.MEDIUM, Grade.HIGH, "Threats to kill with a knife") is Grade.HIGH
    with pytest.raises(RuleError, match="reasons"):
        apply_judgement(Grade.STANDARD, Grade.HIGH, "   ")
    with pytest.raises(RuleError, match="cannot lower"):
        apply_judgement(Grade.HIGH, Grade.MEDIUM, "Victim says it is fine")


def test_proposals() -> None:
    assert dash_proposals(Grade.HIGH, children_in_household=0) == (Proposal.MARAC,)
    assert dash_proposals(Grade.MEDIUM, children_in_household=2) == (
        Proposal.CHILDRENS_SOCIAL_CARE,
    )
    assert dash_proposals(Grade.HIGH, children_in_household=1) == (
        Proposal.MARAC,
        Proposal.CHILDRENS_SOCIAL_CARE,
    )
    assert dash_proposals(Grade.STANDARD, children_in_household=0) == ()


def test_marac_criterion_follows_how_the_grade_became_high() -> None:
    assert marac_criterion_for(Grade.HIGH, Grade.HIGH) == "visible_high_risk"
    assert marac_criterion_for(Grade.MEDIUM, Grade.HIGH) == "professional_judgement"
    with pytest.raises(RuleError):
        marac_criterion_for(Grade.MEDIUM, Grade.MEDIUM)


def test_review_intervals() -> None:
    assert review_days_for(Grade.HIGH) == 14
    assert review_days_for(Grade.MEDIUM) == 28
    assert review_days_for(Grade.STANDARD) == 28
    assert review_days_for(Grade.HIGH, Thresholds(asb_review_days_high=7)) == 7


def test_grade_labels_and_answers() -> None:
    assert Grade.HIGH.label == "High" and Grade.HIGH.rank == 2
    assert rules.answers_summary(DASH, dash_answers(14, 2)) == (14, 8, 2)
    assert {a.value for a in Answer} == {"yes", "no", "not_known"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "x"}, "incomplete"),
        (
            {
                "code": "x",
                "version": 0,
                "title": "t",
                "scoring": "count_yes",
                "thresholds": {"medium_from": 1, "high_from": 2},
                "questions": [{"id": "a", "topic": "t"}],
            },
            "version",
        ),
        (
            {
                "code": "x",
                "version": 1,
                "title": "t",
                "scoring": "count_yes",
                "thresholds": {"medium_from": 1, "high_from": 2},
                "questions": [{"id": "a"}],
            },
            "id and a topic",
        ),
        (
            {
                "code": "x",
                "version": 1,
                "title": "t",
                "scoring": "count_yes",
                "thresholds": {"medium_from": 1, "high_from": 2},
                "questions": [{"id": "a", "topic": "t"}, {"id": "a", "topic": "u"}],
            },
            "twice",
        ),
        (
            {
                "code": "x",
                "version": 1,
                "title": "t",
                "scoring": "weighted",
                "thresholds": {"medium_from": 1, "high_from": 2},
                "questions": [{"id": "a", "topic": "t", "scores": {"yes": 1}}],
            },
            "scores",
        ),
        (
            {
                "code": "x",
                "version": 1,
                "title": "t",
                "scoring": "count_yes",
                "thresholds": {"medium_from": 1, "high_from": 2},
                "questions": [],
            },
            "at least one",
        ),
        (
            {
                "code": "x",
                "version": 1,
                "title": "t",
                "scoring": "count_yes",
                "thresholds": {"medium_from": 3, "high_from": 2},
                "questions": [{"id": "a", "topic": "t"}],
            },
            "high risk score",
        ),
    ],
)
def test_malformed_definitions_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_definition(data)


# --- dates and the Community Trigger ------------------------------------------------------

D = datetime.date


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 15), 3) == D(2026, 2, 15)
    assert add_months(D(2025, 3, 1), -12) == D(2024, 3, 1)


def complaint(
    n: int, behaviour: datetime.date, reported: datetime.date, hate: bool = False
) -> Complaint:
    return Complaint(n, behaviour, reported, f"Complaint {n}", hate)


def test_three_qualifying_complaints_meet_the_threshold() -> None:
    complaints = [
        complaint(1, D(2025, 1, 10), D(2025, 1, 12)),
        complaint(2, D(2025, 2, 1), D(2025, 3, 1)),  # exactly one month later: qualifies
        complaint(3, D(2025, 3, 5), D(2025, 3, 5)),
    ]
    result = community_trigger(complaints, application_on=D(2025, 7, 12))
    assert result.met
    assert [c.incident_id for c in result.qualifying] == [1, 2, 3]
    assert "3 qualifying complaints" in result.reasons[0]


def test_complaint_and_application_windows() -> None:
    complaints = [
        complaint(1, D(2025, 1, 10), D(2025, 2, 11)),  # a month and a day after the behaviour
        complaint(2, D(2025, 1, 10), D(2025, 1, 9)),  # reported before the behaviour
        complaint(3, D(2025, 1, 1), D(2025, 1, 2)),  # application 6 months and a day later
        complaint(4, D(2025, 6, 1), D(2025, 6, 2)),
        complaint(5, D(2025, 7, 1), D(2025, 7, 10)),  # after the application
    ]
    result = community_trigger(complaints, application_on=D(2025, 7, 3))
    assert not result.met
    assert [c.incident_id for c in result.qualifying] == [4]
    problems = {c.incident_id: why for c, why in result.not_qualifying}
    assert problems[1] == "Reported more than 1 month after the behaviour"
    assert problems[2] == "Reported before the behaviour it describes"
    assert problems[3] == "More than 6 months before the application"
    assert problems[5] == "Reported after the application date"
    # the application exactly six months after the complaint still counts
    on_the_day = community_trigger([complaints[2]], application_on=D(2025, 7, 2))
    assert len(on_the_day.qualifying) == 1


def test_hate_motivated_complaint_is_a_local_extra_that_can_be_switched_off() -> None:
    one = [complaint(1, D(2025, 5, 1), D(2025, 5, 2), hate=True)]
    result = community_trigger(one, application_on=D(2025, 6, 1))
    assert result.met and "hate" in result.reasons[0]
    off = Thresholds(trigger_hate_counts=False)
    assert not community_trigger(one, application_on=D(2025, 6, 1), thresholds=off).met


def test_local_thresholds_change_the_windows_and_count() -> None:
    complaints = [complaint(i, D(2025, 1, 1), D(2025, 2, 15)) for i in range(5)]
    local = Thresholds(
        trigger_complaints=5,
        trigger_complaint_within_months=2,
        trigger_application_within_months=12,
    )
    assert community_trigger(complaints, application_on=D(2025, 12, 1), thresholds=local).met
    assert not community_trigger(complaints, application_on=D(2025, 12, 1)).met
    two = Thresholds(trigger_complaint_within_months=2, trigger_complaints=5)
    late = [complaint(9, D(2025, 1, 1), D(2025, 4, 1))]
    result = community_trigger(late, application_on=D(2025, 5, 1), thresholds=two)
    assert result.not_qualifying[0][1] == "Reported more than 2 months after the behaviour"
