"""Risk reads for pages: an assessment with its answers (for those who may see risk detail),
a case's assessments, and the Community Trigger check for a person. Every read of personal
data is audited as a consultation with the purpose the member gave."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.extensions import TimelineEntry
from saferhub.cases.models import Case
from saferhub.incidents.access import incidents_visible_to
from saferhub.incidents.models import Incident
from saferhub.incidents.rules import ASB_CATEGORIES, Marker, Role
from saferhub.organisations.access import membership_of
from saferhub.people.models import Person
from saferhub.risk import rules
from saferhub.risk.access import assessments_visible_to, can_view_answers
from saferhub.risk.models import Assessment, Questionnaire
from saferhub.risk.services import definition_of, thresholds_for


@dataclass(frozen=True)
class AnswerRow:
    """One question and its answer, as shown on the assessment page."""

    number: int
    question_id: str
    text: str
    answer: str


@dataclass(frozen=True)
class AssessmentView:
    """An assessment as its page shows it: answers only for VIEW_RISK_DETAIL."""

    assessment: Assessment
    detail: bool
    rows: tuple[AnswerRow, ...]
    counts: tuple[int, ...]
    proposals: tuple[tuple[str, str], ...]
    rescored: int | None
    erased: bool = False  # the answers and reasons went with a retention erasure


def question_text(questionnaire: Questionnaire, question: rules.Question) -> str:
    """The licensed wording where the deployment loaded it, else the topic."""
    wording = questionnaire.wording.get(question.id)
    return wording if isinstance(wording, str) and wording else question.topic


def assessment_detail(*, actor: Actor, assessment: Assessment, purpose: str) -> AssessmentView:
    """One assessment for its page, audited as a consultation (`assessment.viewed`).

    Members without VIEW_RISK_DETAIL get the grade only: no answers, score or reasons. The
    score is recomputed from the stored version and answers to show it still agrees. An
    assessment whose answers were erased (governance retention) shows its grade and score
    only, and proposes nothing.
    """
    detail = can_view_answers(actor)
    definition = definition_of(assessment.questionnaire)
    rows: tuple[AnswerRow, ...] = ()
    counts: tuple[int, ...] = ()
    rescored = None
    erased = not assessment.answers  # a completed assessment answers every question
    if detail and not erased:
        labels = {a.value: label for a, label in rules.ANSWER_LABELS.items()}
        rows = tuple(
            AnswerRow(
                n,
                q.id,
                question_text(assessment.questionnaire, q),
                labels.get(assessment.answers.get(q.id, ""), "Not answered"),
            )
            for n, q in enumerate(definition.questions, 1)
        )
        counts = tuple(rules.answers_summary(definition, assessment.answers))
        rescored = rules.score(definition, assessment.answers)
    proposals = (
        ()
        if erased
        else tuple((p, rules.PROPOSAL_LABELS[rules.Proposal(p)]) for p in assessment.proposals)
    )
    audit_record(
        actor=actor,
        action="assessment.viewed",
        operation=Operation.CONSULTATION,
        target_type="assessment",
        target_id=assessment.pk,
        record_owner_organisation_id=assessment.case.owner_organisation_id,
        subject_id=assessment.person_id,
        purpose=purpose,
        payload={"detail": detail, "case_id": assessment.case_id},
    )
    return AssessmentView(assessment, detail, rows, counts, proposals, rescored, erased)


def case_assessments(*, actor: Actor, case: Case, purpose: str) -> list[Assessment]:
    """The case's assessments the actor may see, newest first (grades; audited)."""
    assessments = list(
        assessments_visible_to(actor)
        .filter(case=case)
        .select_related("person", "assessed_by", "questionnaire")
        .order_by("-assessed_at")
    )
    audit_record(
        actor=actor,
        action="assessment.list_viewed",
        operation=Operation.CONSULTATION,
        target_type="case",
        target_id=case.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        purpose=purpose,
        payload={"assessments": [a.pk for a in assessments]},
    )
    return assessments


@dataclass(frozen=True)
class TriggerCheck:
    """The Community Trigger check for a person: the rule's result and the incidents."""

    person: Person
    application_on: datetime.date
    result: rules.TriggerResult
    incidents: dict[int, Incident]
    thresholds: rules.Thresholds


def _hate_motivated(incident: Incident) -> bool:
    return (
        incident.category == "hate_incident"
        or bool(incident.hate_strand)
        or Marker.HATE.value in (incident.markers or [])
    )


def community_trigger_check(
    *, actor: Actor, person: Person, application_on: datetime.date | None, purpose: str
) -> TriggerCheck:
    """Whether the person's complaints meet the Community Trigger threshold on the
    application date (default today).

    Complaints are the ASB and hate incidents, among those the actor may see, in which the
    person is the complainant or the victim: the behaviour date is when it happened, the
    complaint date when it was recorded. Only visible incidents count, so the result never
    reveals another organisation's unshared records. Audited as a consultation.
    """
    application_on = application_on or timezone.localdate()
    membership = membership_of(actor)
    thresholds = thresholds_for(membership.organisation if membership else None)
    incidents = {
        i.pk: i
        for i in incidents_visible_to(actor)
        .filter(
            involvements__person=person,
            involvements__role__in=[Role.COMPLAINANT.value, Role.VICTIM.value],
        )
        .filter(Q(category__in=ASB_CATEGORIES) | Q(category="hate_incident"))
        .select_related("owner_organisation")
        .distinct()
    }
    complaints = [
        rules.Complaint(
            incident_id=i.pk,
            behaviour_on=timezone.localtime(i.occurred_at).date(),
            reported_on=timezone.localtime(i.created_at).date(),
            label=i.get_category_display(),
            hate_motivated=_hate_motivated(i),
        )
        for i in incidents.values()
    ]
    result = rules.community_trigger(
        complaints, application_on=application_on, thresholds=thresholds
    )
    audit_record(
        actor=actor,
        action="community_trigger.checked",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
        purpose=purpose,
        payload={
            "application_on": application_on.isoformat(),
            "met": result.met,
            "qualifying": [c.incident_id for c in result.qualifying],
        },
    )
    return TriggerCheck(person, application_on, result, incidents, thresholds)


def people_to_assess(*, actor: Actor, case: Case, purpose: str) -> list[tuple[int, str]]:
    """The case's people (id, "name (role)") offered on an assessment form; audited as a
    consultation of the case."""
    people = [
        (link.person_id, f"{link.person.full_name} ({link.role})")
        for link in case.case_people.select_related("person")
        .filter(person__erased_at__isnull=True)
        .order_by("person__family_name", "person__given_name")
    ]
    audit_record(
        actor=actor,
        action="assessment.form_viewed",
        operation=Operation.CONSULTATION,
        target_type="case",
        target_id=case.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        purpose=purpose,
        payload={"people": [pk for pk, _ in people]},
    )
    return people


def timeline_for_person(actor: Actor, person_id: int) -> list[TimelineEntry]:
    """The person's risk assessments the actor may see, for the person page's timeline
    (registered with cases.extensions; the person page audits its own view). The person's
    few assessment ids first, then the visibility rule on those (most people have none)."""
    ids = list(
        Assessment.objects.filter(person_id=person_id)
        .order_by("-assessed_at")
        .values_list("pk", flat=True)[:500]
    )
    if not ids:
        return []
    return [
        TimelineEntry(
            occurred_at=a.assessed_at,
            kind="DASH assessment" if a.kind == Assessment.Kind.DASH else "ASB risk assessment",
            title=f"Graded {a.get_grade_display()}",
            url=reverse("risk:assessment-detail", args=[a.pk]),
            detail=f"Case {a.case.reference}",
        )
        for a in assessments_visible_to(actor).filter(pk__in=ids).select_related("case")
    ]
