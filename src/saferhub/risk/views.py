"""Risk pages: the DASH and ASB forms on a case, an assessment, a case's assessments, and
the Community Trigger check on a person. Thin: access, purpose, selector or service, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases.access import access_case
from saferhub.cases.purpose import purpose_for
from saferhub.people.access import access_person
from saferhub.people.models import Person
from saferhub.risk import selectors, services
from saferhub.risk.access import access_assessment, access_case_to_assess
from saferhub.risk.forms import AssessmentForm, TriggerForm
from saferhub.risk.models import Assessment


def assessment_new(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """The DASH or ASB risk form for a case the member may change."""
    case = access_case_to_assess(request.user, case_id)
    purpose = purpose_for(request, "case", case.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    kind_enum = Assessment.Kind(kind)
    questionnaire = services.questionnaire_load(services.KIND_QUESTIONNAIRE[kind_enum])
    people = selectors.people_to_assess(actor=request.user, case=case, purpose=purpose)
    form = AssessmentForm(
        request.POST or None, questionnaire=questionnaire, kind=kind_enum, people=people
    )
    if request.method == "POST" and form.is_valid():
        person = Person.objects.get(pk=form.cleaned_data["person"])
        try:
            assessment = services.assessment_create(
                actor=request.user,
                case=case,
                person=person,
                kind=kind_enum,
                answers=form.answers(),
                children_in_household=form.cleaned_data.get("children_in_household") or 0,
                judged_grade=form.judged(),
                judgement_reasons=form.cleaned_data["judgement_reasons"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            return redirect("risk:assessment-detail", assessment_id=assessment.pk)
    return render(
        request,
        "risk/assessment_form.html",
        {"form": form, "case": case, "kind": kind_enum, "questionnaire": questionnaire},
    )


def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One assessment: the grade for everyone who may see the case; answers, score and
    reasons only with VIEW_RISK_DETAIL."""
    assessment = access_assessment(request.user, assessment_id)
    purpose = purpose_for(request, "assessment", assessment.pk, case_id=assessment.case_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    view = selectors.assessment_detail(actor=request.user, assessment=assessment, purpose=purpose)
    return render(request, "risk/assessment_detail.html", {"view": view, "a": assessment})


def case_assessments(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case's assessments, newest first, with links to start a new one."""
    case = access_case(request.user, case_id)
    purpose = purpose_for(request, "case", case.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    assessments = selectors.case_assessments(actor=request.user, case=case, purpose=purpose)
    return render(request, "risk/case_assessments.html", {"case": case, "assessments": assessments})


def community_trigger(request: HttpRequest, person_id: int) -> HttpResponse:
    """Whether a person's complaints meet the Community Trigger threshold on a date."""
    person = access_person(request.user, person_id)
    purpose = purpose_for(request, "person", person.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    form = TriggerForm(request.GET if "application_on_0" in request.GET else None)
    application_on = None
    if form.is_bound and form.is_valid():
        application_on = form.cleaned_data["application_on"]
    check = None
    if not form.is_bound or form.is_valid():
        check = selectors.community_trigger_check(
            actor=request.user, person=person, application_on=application_on, purpose=purpose
        )
    return render(
        request, "risk/community_trigger.html", {"person": person, "form": form, "check": check}
    )
