"""Risk policy without a database: questionnaire definitions, DASH and ASB scoring and
grading, professional judgement, what a grade proposes, review intervals and the Community
Trigger (ASB case review) threshold.

Sources (DOMAIN.md): the SafeLives DASH risk identification checklist graded locally 1-9 yes
answers Standard, 10-13 Medium, 14 or more High ("visible high risk", refer to MARAC);
professional judgement may raise the grade, never lower it, and must give its reasons. The
ASB victim risk assessment follows the Home Office "Focus on the Victim" principles (2012);
there is no national scoring, so questions, weights and thresholds are data. The Community
Trigger (Anti-social Behaviour, Crime and Policing Act 2014 s.104): three or more qualifying
complaints, each made within one month of the behaviour, the application within six months
of the complaint, plus local extras. Every number here is a default a partnership can change.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RuleError(ValueError):
    """An input the policy refuses; the message is shown to the user as it is."""


class Grade(StrEnum):
    """Risk grade, lowest first."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return list(Grade).index(self)


class Answer(StrEnum):
    """The answers a DASH question allows (ASB questions use the same three)."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


ANSWER_LABELS = {Answer.YES: "Yes", Answer.NO: "No", Answer.NOT_KNOWN: "Not known"}


class Scoring(StrEnum):
    """How a questionnaire turns answers into a score."""

    COUNT_YES = "count_yes"  # DASH: the number of yes answers
    WEIGHTED = "weighted"  # ASB: the sum of each answer's weight


# --- questionnaire definitions (shipped as TOML files, stored by version) ----------------


@dataclass(frozen=True)
class Question:
    """One question: a stable id, a short topic, and the score of each answer."""

    id: str
    topic: str
    scores: Mapping[str, int]


@dataclass(frozen=True)
class Definition:
    """A questionnaire at one version: its questions in order and its default thresholds."""

    code: str
    version: int
    title: str
    scoring: Scoring
    questions: tuple[Question, ...]
    medium_from: int
    high_from: int

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    @property
    def max_score(self) -> int:
        return sum(max(q.scores.values()) for q in self.questions)


def parse_definition(data: Mapping[str, Any]) -> Definition:
    """A questionnaire definition from its parsed TOML, checked; RuleError names the problem.

    Required: code, version, title, scoring (count_yes or weighted), thresholds.medium_from,
    thresholds.high_from and [[questions]] each with a unique id and a topic. Weighted
    questions give `scores` for yes, no and not_known; count_yes questions score 1 for yes.
    """
    try:
        code = str(data["code"])
        version = int(data["version"])
        title = str(data["title"])
        scoring = Scoring(data["scoring"])
        thresholds = data["thresholds"]
        medium_from = int(thresholds["medium_from"])
        high_from = int(thresholds["high_from"])
        raw_questions = list(data["questions"])
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(f"questionnaire definition is incomplete or malformed: {error}") from None
    if version < 1:
        raise RuleError("questionnaire version must be 1 or more")
    questions: list[Question] = []
    seen: set[str] = set()
    for raw in raw_questions:
        qid, topic = str(raw.get("id", "")), str(raw.get("topic", ""))
        if not qid or not topic:
            raise RuleError(f"{code} v{version}: every question needs an id and a topic")
        if qid in seen:
            raise RuleError(f"{code} v{version}: question id {qid} appears twice")
        seen.add(qid)
        if scoring is Scoring.COUNT_YES:
            scores = {Answer.YES.value: 1, Answer.NO.value: 0, Answer.NOT_KNOWN.value: 0}
        else:
            raw_scores = raw.get("scores")
            if not isinstance(raw_scores, Mapping) or set(raw_scores) != {a.value for a in Answer}:
                raise RuleError(
                    f"{code} v{version}: question {qid} needs scores for yes, no and not_known"
                )
            scores = {str(k): int(v) for k, v in raw_scores.items()}
        questions.append(Question(qid, topic, scores))
    if not questions:
        raise RuleError(f"{code} v{version}: a questionnaire needs at least one question")
    check_thresholds(medium_from, high_from)
    return Definition(code, version, title, scoring, tuple(questions), medium_from, high_from)


def check_thresholds(medium_from: int, high_from: int) -> None:
    """Thresholds are whole numbers with 1 <= medium_from < high_from."""
    if medium_from < 1 or high_from <= medium_from:
        raise RuleError("The high risk score must be more than the medium risk score, both above 0")


# --- scoring and grading -------------------------------------------------------------------


def unanswered(definition: Definition, answers: Mapping[str, str]) -> list[Question]:
    """Questions with no valid answer, in questionnaire order (a form with any is refused)."""
    valid = {a.value for a in Answer}
    return [q for q in definition.questions if answers.get(q.id) not in valid]


def score(definition: Definition, answers: Mapping[str, str]) -> int:
    """The score: DASH counts yes answers; ASB adds each answer's weight.

    Refuses unanswered questions and answers to questions the version does not have, so a
    stored assessment always rescores to the same number.
    """
    missing = unanswered(definition, answers)
    if missing:
        raise RuleError(f"{len(missing)} question(s) not answered: {missing[0].id} first")
    unknown = set(answers) - set(definition.question_ids)
    if unknown:
        raise RuleError(f"answers to questions not in this version: {', '.join(sorted(unknown))}")
    return sum(q.scores[answers[q.id]] for q in definition.questions)


def grade_for(score_value: int, *, medium_from: int, high_from: int) -> Grade:
    """Standard below `medium_from`, Medium below `high_from`, otherwise High.

    DASH defaults: up to 9 yes Standard, 10 to 13 Medium, 14 or more High.
    """
    check_thresholds(medium_from, high_from)
    if score_value >= high_from:
        return Grade.HIGH
    if score_value >= medium_from:
        return Grade.MEDIUM
    return Grade.STANDARD


def apply_judgement(calculated: Grade, judged: Grade | None, reasons: str) -> Grade:
    """The final grade after professional judgement.

    Judgement may raise the grade, with reasons; it may never lower it. Choosing the
    calculated grade (or none) leaves it as it is.
    """
    if judged is None or judged is calculated:
        return calculated
    if judged.rank < calculated.rank:
        raise RuleError(
            f"Professional judgement cannot lower the grade below {calculated.label.lower()}"
        )
    if not reasons.strip():
        raise RuleError("Enter the reasons for raising the grade on professional judgement")
    return judged


class Proposal(StrEnum):
    """What an assessment proposes to the officer (they still decide and record it)."""

    MARAC = "marac"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"


PROPOSAL_LABELS = {
    Proposal.MARAC: "Refer to MARAC (multi-agency risk assessment conference)",
    Proposal.CHILDRENS_SOCIAL_CARE: "Refer the children in the household to children's social care",
}


def dash_proposals(final: Grade, *, children_in_household: int) -> tuple[Proposal, ...]:
    """A High grade proposes a MARAC referral; children in the household propose a referral
    to children's social care."""
    proposals: list[Proposal] = []
    if final is Grade.HIGH:
        proposals.append(Proposal.MARAC)
    if children_in_household > 0:
        proposals.append(Proposal.CHILDRENS_SOCIAL_CARE)
    return tuple(proposals)


def marac_criterion_for(calculated: Grade, final: Grade) -> str:
    """The MARAC criterion a High DASH suggests: visible high risk when the score is High,
    professional judgement when judgement raised it there."""
    if final is not Grade.HIGH:
        raise RuleError("Only a High grade proposes a MARAC referral")
    return "visible_high_risk" if calculated is Grade.HIGH else "professional_judgement"


@dataclass(frozen=True)
class Thresholds:
    """A partnership's risk settings (defaults from DOMAIN.md)."""

    dash_medium_from: int = 10
    dash_high_from: int = 14
    asb_medium_from: int = 12
    asb_high_from: int = 22
    asb_review_days_high: int = 14
    asb_review_days_medium: int = 28
    asb_review_days_standard: int = 28
    trigger_complaints: int = 3
    trigger_complaint_within_months: int = 1
    trigger_application_within_months: int = 6
    trigger_hate_counts: bool = True


DEFAULT_THRESHOLDS = Thresholds()

# Limits a partnership may set beyond the grade order (review intervals and Community
# Trigger windows are whole days or months; a grade threshold must be reachable).
REVIEW_DAYS_LIMITS = (1, 365)
TRIGGER_COMPLAINTS_LIMITS = (1, 20)
TRIGGER_MONTHS_LIMITS = (1, 24)


def thresholds_problems(
    values: Mapping[str, object], *, dash_max: int, asb_max: int
) -> dict[str, str]:
    """What is wrong with a partnership's risk settings, by field ({} when they are fine).

    Every number is a whole number. A grade starts at 1 or more, High above Medium, and
    High no higher than the questionnaire's top score (`dash_max`: 24 yes answers in DASH
    version 1; `asb_max`: the ASB questionnaire's largest total), so each grade can be
    reached. Review intervals run 1 to 365 days, Community Trigger complaints 1 to 20 and
    its windows 1 to 24 months. Settings not given are not checked.
    """
    problems: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in Thresholds.__dataclass_fields__:
        if name not in values:
            continue  # not given: nothing to check (the services always give every setting)
        value = values[name]
        if name == "trigger_hate_counts":
            if not isinstance(value, bool):
                problems[name] = "Select whether a hate-motivated complaint meets the threshold"
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems[name] = "Enter a whole number, like 10"
        else:
            numbers[name] = value
    for kind, label, top in (("dash", "DASH", dash_max), ("asb", "ASB risk", asb_max)):
        medium, high = numbers.get(f"{kind}_medium_from"), numbers.get(f"{kind}_high_from")
        if medium is not None and medium < 1:
            problems[f"{kind}_medium_from"] = f"{label}: Medium must start at 1 or more"
        elif medium is not None and high is not None and high <= medium:
            problems[f"{kind}_high_from"] = (
                f"{label}: the high risk score must be more than the medium risk score"
            )
        elif high is not None and high > top:
            problems[f"{kind}_high_from"] = (
                f"{label}: High must start at {top} or less, the highest possible score"
            )
    ranges = {
        "asb_review_days_high": (
            "Days between reviews of a High risk ASB case",
            REVIEW_DAYS_LIMITS,
        ),
        "asb_review_days_medium": (
            "Days between reviews of a Medium risk ASB case",
            REVIEW_DAYS_LIMITS,
        ),
        "asb_review_days_standard": (
            "Days between reviews of a Standard risk ASB case",
            REVIEW_DAYS_LIMITS,
        ),
        "trigger_complaints": (
            "Community Trigger: qualifying complaints needed",
            TRIGGER_COMPLAINTS_LIMITS,
        ),
        "trigger_complaint_within_months": (
            "Community Trigger: months from the behaviour to the complaint",
            TRIGGER_MONTHS_LIMITS,
        ),
        "trigger_application_within_months": (
            "Community Trigger: months from the complaint to the application",
            TRIGGER_MONTHS_LIMITS,
        ),
    }
    for name, (label, (low, high)) in ranges.items():
        value = numbers.get(name)
        if value is not None and not low <= value <= high:
            problems[name] = f"{label} must be between {low} and {high}"
    return problems


def review_days_for(grade: Grade, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> int:
    """Days until an ASB case's next review after an assessment: High 14, Medium 28 by
    default; Standard cases keep the ASB case type’s usual 28 days."""
    return {
        Grade.HIGH: thresholds.asb_review_days_high,
        Grade.MEDIUM: thresholds.asb_review_days_medium,
        Grade.STANDARD: thresholds.asb_review_days_standard,
    }[grade]


# --- dates -------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, clamped to the month's last day
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Community Trigger (ASB case review) --------------------------------------------------


@dataclass(frozen=True)
class Complaint:
    """One complaint by the applicant: when the behaviour happened and when they reported it."""

    incident_id: int
    behaviour_on: datetime.date
    reported_on: datetime.date
    label: str = ""
    hate_motivated: bool = False


@dataclass(frozen=True)
class TriggerResult:
    """Whether the Community Trigger threshold is met, with the complaints that count."""

    met: bool
    qualifying: tuple[Complaint, ...]
    not_qualifying: tuple[tuple[Complaint, str], ...]
    reasons: tuple[str, ...] = field(default=())


def complaint_qualifies(
    complaint: Complaint, *, application_on: datetime.date, thresholds: Thresholds
) -> str:
    """Why a complaint does not qualify, or "" when it does.

    It must be made within the complaint window of the behaviour (default 1 month), not
    before the behaviour, and the application made within the application window of the
    complaint (default 6 months), not before it.
    """
    if complaint.reported_on < complaint.behaviour_on:
        return "Reported before the behaviour it describes"
    if complaint.reported_on > add_months(
        complaint.behaviour_on, thresholds.trigger_complaint_within_months
    ):
        months = thresholds.trigger_complaint_within_months
        return f"Reported more than {months} month{'s' if months != 1 else ''} after the behaviour"
    if application_on < complaint.reported_on:
        return "Reported after the application date"
    if application_on > add_months(
        complaint.reported_on, thresholds.trigger_application_within_months
    ):
        months = thresholds.trigger_application_within_months
        return f"More than {months} months before the application"
    return ""


def community_trigger(
    complaints: Iterable[Complaint],
    *,
    application_on: datetime.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> TriggerResult:
    """The Community Trigger check for one applicant on the application date.

    Met when at least `trigger_complaints` (default 3) complaints qualify, or (a local extra,
    on by default) when any qualifying complaint is about hate-motivated behaviour.
    """
    qualifying: list[Complaint] = []
    rejected: list[tuple[Complaint, str]] = []
    for complaint in sorted(complaints, key=lambda c: (c.reported_on, c.incident_id)):
        problem = complaint_qualifies(
            complaint, application_on=application_on, thresholds=thresholds
        )
        if problem:
            rejected.append((complaint, problem))
        else:
            qualifying.append(complaint)
    reasons: list[str] = []
    if len(qualifying) >= thresholds.trigger_complaints:
        reasons.append(
            f"{len(qualifying)} qualifying complaints "
            f"(the threshold is {thresholds.trigger_complaints})"
        )
    if thresholds.trigger_hate_counts and any(c.hate_motivated for c in qualifying):
        reasons.append("A qualifying complaint is about hate-motivated behaviour (local rule)")
    return TriggerResult(bool(reasons), tuple(qualifying), tuple(rejected), tuple(reasons))


def answers_summary(definition: Definition, answers: Mapping[str, str]) -> Sequence[int]:
    """Counts of yes, no and not known answers (shown beside a DASH score)."""
    values = [answers.get(q.id) for q in definition.questions]
    return tuple(values.count(a.value) for a in Answer)
