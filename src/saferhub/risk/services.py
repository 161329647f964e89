"""Risk writes: loading questionnaire versions and licensed wording, recording an assessment
(and, for ASB, setting the case's review interval and next review), and changing a
partnership's risk settings. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime
import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases import services as case_services
from saferhub.cases.models import Case, CaseReview
from saferhub.organisations.access import membership_of, require_capability
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Capability
from saferhub.people.models import Person
from saferhub.risk import rules
from saferhub.risk.models import Assessment, Questionnaire, RiskSettings

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent / "questionnaires"

# Which questionnaire each kind of assessment uses (its latest shipped version).
KIND_QUESTIONNAIRE = {Assessment.Kind.DASH: "dash", Assessment.Kind.ASB: "asb-victim"}


SETTINGS_FIELDS = tuple(rules.Thresholds.__dataclass_fields__)


class StaleEditError(Exception):
    """Someone else saved the same record first."""


def signed_in_user(actor: Actor) -> User:
    """The actor as a user account (PermissionDenied for anyone signed out)."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("sign in first")
    return actor


def _definition_files(code: str) -> list[Path]:
    return sorted(
        QUESTIONNAIRE_DIR.glob(f"{code}.v*.toml"),
        key=lambda p: int(p.name.removeprefix(f"{code}.v").removesuffix(".toml")),
    )


@transaction.atomic
def questionnaire_load(code: str, *, version: int | None = None) -> Questionnaire:
    """The stored questionnaire version (the latest shipped if `version` is None), loading it
    from saferhub/risk/questionnaires/<code>.v<version>.toml the first time.

    A released version never changes: if the shipped file differs from the stored one,
    ValueError (ship a new version instead). Loading shipped data is not personal data and
    is not audited.
    """
    files = _definition_files(code)
    if version is not None:
        files = [f for f in files if f.name == f"{code}.v{version}.toml"]
    if not files:
        raise ValueError(f"no questionnaire {code!r} version {version or 'any'} is shipped")
    path = files[-1]
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    definition = rules.parse_definition(data)
    sha = hashlib.sha256(raw).hexdigest()
    stored, created = Questionnaire.objects.get_or_create(
        code=definition.code,
        version=definition.version,
        defaults={"title": definition.title, "definition": data, "sha256": sha},
    )
    if not created and stored.sha256 != sha:
        raise ValueError(
            f"{path.name} differs from the stored {code} version {definition.version}: "
            "released versions must not change, add a new version file"
        )
    return stored


def definition_of(questionnaire: Questionnaire) -> rules.Definition:
    """The parsed definition of a stored questionnaire version."""
    return rules.parse_definition(questionnaire.definition)


@transaction.atomic
def questionnaire_load_wording(
    *, actor: Actor | None, code: str, version: int, wording: Mapping[str, str], source: str
) -> Questionnaire:
    """Add a deployment's licensed official wording to a stored version's question ids.

    Every id must be one of the version's questions (ValueError otherwise); ids left out keep
    their topic. Scores never depend on wording, so old assessments are unaffected.
    """
    questionnaire = questionnaire_load(code, version=version)
    ids = set(definition_of(questionnaire).question_ids)
    unknown = sorted(set(wording) - ids)
    if unknown:
        raise ValueError(f"not questions of {code} version {version}: {', '.join(unknown)}")
    cleaned = {qid: " ".join(str(text).split()) for qid, text in wording.items() if text}
    questionnaire.wording = {**questionnaire.wording, **cleaned}
    questionnaire.wording_source = source[:200]
    questionnaire.save(update_fields=["wording", "wording_source"])
    audit_record(
        actor=actor,
        action="questionnaire.wording_loaded",
        operation=Operation.NONE,
        target_type="questionnaire",
        target_id=questionnaire.pk,
        payload={"code": code, "version": version, "questions": len(cleaned), "source": source},
    )
    return questionnaire


def thresholds_for(organisation: Organisation | None) -> rules.Thresholds:
    """The risk settings of the organisation's partnership (the first, by name, that has
    settings), else the defaults."""
    if organisation is not None:
        stored = (
            RiskSettings.objects.filter(partnership__organisations=organisation)
            .order_by("partnership__name")
            .first()
        )
        if stored is not None:
            return thresholds_from(stored)
    return rules.DEFAULT_THRESHOLDS


def thresholds_from(stored: RiskSettings) -> rules.Thresholds:
    """A stored RiskSettings row as the rules' Thresholds."""
    return rules.Thresholds(
        **{f: getattr(stored, f) for f in rules.Thresholds.__dataclass_fields__}
    )


def _thresholds_pair(kind: str, thresholds: rules.Thresholds) -> tuple[int, int]:
    if kind == Assessment.Kind.DASH:
        return thresholds.dash_medium_from, thresholds.dash_high_from
    return thresholds.asb_medium_from, thresholds.asb_high_from


@transaction.atomic
def assessment_create(
    *,
    actor: Actor,
    case: Case,
    person: Person,
    kind: Assessment.Kind | str,
    answers: Mapping[str, str],
    children_in_household: int = 0,
    judged_grade: rules.Grade | None = None,
    judgement_reasons: str = "",
) -> Assessment:
    """Record a completed DASH or ASB risk assessment of a person on a case.

    Scores the answers with the latest questionnaire version and the partnership's
    thresholds, applies professional judgement (raise only, with reasons) and stores the
    version, answers and thresholds so the grade can always be recomputed. A DASH proposes a
    MARAC referral when High and a children's social care referral when there are children
    in the household. An ASB assessment sets the case's review interval from its grade
    (defaults High 14 days, Medium 28) and moves the next open review to that date.

    The caller has checked the actor may change the case (access_case_to_assess). Raises
    ValidationError with field errors: unanswered questions (keyed by question id), a person
    not on the case, a lowered or unexplained judgement.
    """
    kind = Assessment.Kind(kind)
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied("only members may assess risk")
    questionnaire = questionnaire_load(KIND_QUESTIONNAIRE[kind])
    definition = definition_of(questionnaire)
    errors: dict[str, list[str]] = {}
    for number, question in enumerate(definition.questions, 1):
        if answers.get(question.id) not in {a.value for a in rules.Answer}:
            errors[question.id] = [f"Select an answer to question {number}: {question.topic}"]
    if not case.case_people.filter(person=person).exists():
        errors["person"] = ["Select a person on this case"]
    if children_in_household < 0:
        errors["children_in_household"] = ["Number of children must be 0 or more"]
    if errors:
        raise ValidationError(errors)
    answers = {q.id: answers[q.id] for q in definition.questions}
    thresholds = thresholds_for(membership.organisation)
    medium_from, high_from = _thresholds_pair(kind, thresholds)
    score = rules.score(definition, answers)
    calculated = rules.grade_for(score, medium_from=medium_from, high_from=high_from)
    try:
        grade = rules.apply_judgement(calculated, judged_grade, judgement_reasons)
    except rules.RuleError as error:
        raise ValidationError({"judged_grade": [str(error)]}) from None
    proposals: tuple[rules.Proposal, ...] = ()
    if kind is Assessment.Kind.DASH:
        proposals = rules.dash_proposals(grade, children_in_household=children_in_household)
    now = timezone.now()
    assessment = Assessment.objects.create(
        kind=kind,
        questionnaire=questionnaire,
        case=case,
        person=person,
        owner_organisation=membership.organisation,
        answers=answers,
        score=score,
        medium_from=medium_from,
        high_from=high_from,
        calculated_grade=calculated,
        grade=grade,
        judgement_reasons=judgement_reasons.strip() if grade is not calculated else "",
        children_in_household=children_in_household,
        proposals=[p.value for p in proposals],
        assessed_by=signed_in_user(actor),
        assessed_at=now,
    )
    if kind is Assessment.Kind.ASB:
        days = rules.review_days_for(grade, thresholds)
        assessment.review_due_on = _schedule_review(
            case=case, days=days, reason=f"{grade.label} ASB risk", today=timezone.localdate()
        )
        assessment.save(update_fields=["review_due_on"])
    audit_record(
        actor=actor,
        action="assessment.created",
        operation=Operation.COLLECTION,
        target_type="assessment",
        target_id=assessment.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        subject_id=person.pk,
        payload={
            "kind": kind.value,
            "case_id": case.pk,
            "questionnaire": questionnaire.code,
            "version": questionnaire.version,
            "score": score,
            "calculated_grade": calculated.value,
            "grade": grade.value,
            "review_due_on": assessment.review_due_on.isoformat()
            if assessment.review_due_on
            else None,
        },
    )
    return assessment


def _schedule_review(*, case: Case, days: int, reason: str, today: datetime.date) -> datetime.date:
    """Set the case's review interval and bring its next open review to today + days (or
    create one). A later review is brought forward; an earlier one is moved out only to the
    new date, so the case is reviewed at the cadence its latest grade asks for."""
    due = today + datetime.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(
        review_interval_days=days, review_interval_reason=reason[:200]
    )
    next_review = (
        CaseReview.objects.select_for_update()
        .filter(case=case, completed_at__isnull=True)
        .order_by("due_on")
        .first()
    )
    if next_review is None:
        CaseReview.objects.create(case=case, due_on=due)
    else:
        next_review.due_on = due
        next_review.save(update_fields=["due_on"])
    return due


def score_limits() -> tuple[int, int]:
    """The highest possible DASH and ASB scores of the latest shipped questionnaires (a
    grade threshold above them could never be reached)."""
    return (
        definition_of(questionnaire_load(KIND_QUESTIONNAIRE[Assessment.Kind.DASH])).max_score,
        definition_of(questionnaire_load(KIND_QUESTIONNAIRE[Assessment.Kind.ASB])).max_score,
    )


@transaction.atomic
def risk_settings_change(
    *, actor: Actor, partnership: Partnership, values: Mapping[str, int | bool], version: int
) -> RiskSettings:
    """Change a partnership's risk thresholds, review intervals and Community Trigger rules.

    Needs ADMINISTER_PARTNERSHIP and membership of an organisation in the partnership
    (PermissionDenied). StaleEditError when someone saved first; ValidationError by field
    for settings risk.rules.thresholds_problems refuses (thresholds out of order or above
    the questionnaire's top score, intervals out of range). Audited as a change of settings
    (no personal data) with each changed setting's old and new value. New assessments use
    the new values; each assessment keeps the thresholds it was graded with.
    """
    membership = require_capability(actor, Capability.ADMINISTER_PARTNERSHIP)
    if not partnership.organisations.filter(pk=membership.organisation_id).exists():
        raise PermissionDenied("not a member of this partnership")
    RiskSettings.objects.get_or_create(partnership=partnership)
    stored = RiskSettings.objects.select_for_update().get(partnership=partnership)
    if stored.version != version:
        raise StaleEditError("Someone else changed these settings while you were editing")
    unknown = set(values) - set(rules.Thresholds.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    merged: dict[str, object] = {f: getattr(stored, f) for f in SETTINGS_FIELDS}
    merged.update(values)
    dash_max, asb_max = score_limits()
    problems = rules.thresholds_problems(merged, dash_max=dash_max, asb_max=asb_max)
    if problems:
        raise ValidationError(problems)
    case_services.save_setting_changes(
        actor=actor,
        partnership=partnership,
        stored=stored,
        merged=merged,
        fields=SETTINGS_FIELDS,
        action="risk_settings.changed",
    )
    return stored


@transaction.atomic
def partnership_settings_change(
    *,
    actor: Actor,
    partnership: Partnership,
    flag_values: dict[str, int],
    flag_version: int,
    risk_values: Mapping[str, int | bool],
    risk_version: int,
) -> None:
    """Save the settings page: the automatic flag thresholds (cases.services.flag_rules_change)
    and the risk settings (risk_settings_change) together, in one transaction: both are
    saved or neither. ValidationError carries every field's problem from both;
    StaleEditError when someone saved either since the page was opened."""
    errors: dict[str, list[str]] = {}
    try:
        case_services.flag_rules_change(
            actor=actor, partnership=partnership, values=flag_values, version=flag_version
        )
    except case_services.StaleEditError as error:
        raise StaleEditError(str(error)) from None
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        risk_settings_change(
            actor=actor, partnership=partnership, values=risk_values, version=risk_version
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def move_to_survivor(survivor_id: int, duplicate_id: int) -> None:
    """Merge hook (cases.extensions): the duplicate's assessments now belong to the survivor,
    inside the merge's own transaction and audit event."""
    Assessment.objects.filter(person_id=duplicate_id).update(person_id=survivor_id)
