"""Risk pages: the DASH and ASB forms on a case, an assessment, a case's assessments, and
the Community Trigger check on a person. Thin: access, purpose, selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases import extensions
from saferhub.cases.access import access_case
from saferhub.cases.models import PartnershipFlagRules
from saferhub.cases.purpose import purpose_for
from saferhub.cases.rules import FLAG_RULE_FIELDS
from saferhub.core.forms import add_service_errors
from saferhub.organisations.access import require_capability
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Capability
from saferhub.people.access import access_person
from saferhub.people.models import Person
from saferhub.risk import selectors, services
from saferhub.risk.access import access_assessment, access_case_to_assess, can_assess
from saferhub.risk.forms import AssessmentForm, RiskSettingsForm, TriggerForm
from saferhub.risk.models import Assessment, RiskSettings


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
            add_service_errors(form, error)
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
    return render(
        request,
        "risk/assessment_detail.html",
        {
            "view": view,
            "a": assessment,
            # each proposal links only for members its form would let in
            "may_refer_marac": can_assess(request.user, assessment.case),
            "may_refer_service": extensions.person_action_allowed(
                "refer", request.user, assessment.person
            ),
        },
    )


def case_assessments(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case's assessments, newest first, with links to start a new one."""
    case = access_case(request.user, case_id)
    purpose = purpose_for(request, "case", case.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    assessments = selectors.case_assessments(actor=request.user, case=case, purpose=purpose)
    return render(
        request,
        "risk/case_assessments.html",
        {"case": case, "assessments": assessments, "may_assess": can_assess(request.user, case)},
    )


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


def risk_settings(request: HttpRequest) -> HttpResponse:
    """A partnership's settings: automatic flag thresholds, DASH and ASB grade thresholds,
    ASB review intervals and Community Trigger rules (partnership administrators of an
    organisation in it; ?partnership= when several). Others get 403, as on other
    administration pages."""
    membership = require_capability(request.user, Capability.ADMINISTER_PARTNERSHIP)
    partnerships = Partnership.objects.filter(organisations=membership.organisation_id).order_by(
        "name"
    )
    chosen = request.GET.get("partnership") or request.POST.get("partnership")
    try:
        partnership = partnerships.get(pk=int(chosen)) if chosen else partnerships.first()
    except (ValueError, Partnership.DoesNotExist):
        raise Http404("No such partnership") from None
    if partnership is None:
        raise Http404("No partnership")
    stored = RiskSettings.objects.filter(partnership=partnership).first() or RiskSettings(
        partnership=partnership
    )
    flag_rules = PartnershipFlagRules.objects.filter(
        partnership=partnership
    ).first() or PartnershipFlagRules(partnership=partnership)
    initial: dict[str, Any] = {f: getattr(stored, f) for f in services.SETTINGS_FIELDS}
    initial |= {f: getattr(flag_rules, f) for f in FLAG_RULE_FIELDS}
    initial |= {"version": stored.version, "flag_version": flag_rules.version}
    dash_max, asb_max = services.score_limits()
    form = RiskSettingsForm(
        request.POST or None, initial=initial, dash_max=dash_max, asb_max=asb_max
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_settings_change(
                actor=request.user,
                partnership=partnership,
                flag_values=form.flag_values(),
                flag_version=form.cleaned_data["flag_version"],
                risk_values=form.values(),
                risk_version=form.cleaned_data["version"],
            )
        except services.StaleEditError as error:
            form.add_error(None, f"{error}. Nothing was saved: reload the page and try again")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Risk settings saved. Flags shown from now on use the new thresholds; "
                "new assessments use the new grades and review intervals",
            )
            return redirect(f"{request.path}?partnership={partnership.pk}")
    return render(
        request,
        "risk/settings.html",
        {
            "form": form,
            "partnership": partnership,
            "partnerships": partnerships,
            "dash": stored,
            "dash_max": dash_max,
            "asb_max": asb_max,
        },
    )
