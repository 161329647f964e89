"""MARAC pages: home, refer a case, a referral, plan a meeting, the meeting page (agenda,
research, actions), restricted minutes and the data form. Thin: access, purpose, selector
or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saferhub.cases.flags import flag_rules_for
from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.marac import selectors, services
from saferhub.marac.access import (
    access_action,
    access_item,
    access_meeting,
    access_referral,
    can_contribute,
    can_read_minutes,
    completable_actions,
    marac_partnerships,
    referrals_visible_to,
)
from saferhub.marac.forms import (
    ActionForm,
    AgendaForm,
    AgendaRemoveForm,
    DataFormForm,
    MeetingForm,
    MinutesForm,
    ReferralForm,
    ResearchNoteForm,
)
from saferhub.marac.models import MaracMeeting
from saferhub.organisations.access import require_capability
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Capability
from saferhub.people.models import Person
from saferhub.risk.access import access_assessment, access_case_to_assess
from saferhub.risk.models import Assessment
from saferhub.risk.rules import Grade, marac_criterion_for


def home(request: HttpRequest) -> HttpResponse:
    """Meetings, referrals awaiting a meeting (coordinators) and recent referrals."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    return render(request, "marac/home.html", {"home": selectors.marac_home(actor=request.user)})


def referral_new(request: HttpRequest) -> HttpResponse:
    """Refer a case to MARAC, from a DASH assessment (?assessment=) or a case (?case=)."""
    assessment: Assessment | None = None
    source = request.POST if request.method == "POST" else request.GET
    try:
        if source.get("assessment"):
            assessment = access_assessment(request.user, int(source["assessment"]))
            case_id = assessment.case_id
        else:
            case_id = int(source.get("case", ""))
    except ValueError:
        raise Http404("No such case") from None
    case = access_case_to_assess(request.user, case_id)
    purpose = purpose_for(request, "case", case.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    people = selectors.case_people_for_referral(actor=request.user, case=case, purpose=purpose)
    partnerships = [
        (p.pk, p.name) for p in Partnership.objects.filter(organisations=case.owner_organisation_id)
    ]
    escalation = selectors.escalation_on_case(actor=request.user, case=case)
    initial: dict[str, Any] = {"referred_on": timezone.localdate()}
    if escalation:
        initial["criterion"] = "potential_escalation"
    if len(partnerships) == 1:
        initial["partnership"] = partnerships[0][0]
    if assessment is not None:
        initial["victim"] = assessment.person_id
        initial["children_in_household"] = assessment.children_in_household
        if assessment.grade == Grade.HIGH:
            initial["criterion"] = marac_criterion_for(
                Grade(assessment.calculated_grade), Grade(assessment.grade)
            )
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        people=people,
        partnerships=partnerships,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                case=case,
                victim=Person.objects.get(pk=data["victim"]),
                partnership=Partnership.objects.get(pk=data["partnership"]),
                criterion=data["criterion"],
                reasons=data["reasons"],
                referred_on=data["referred_on"],
                children_in_household=data["children_in_household"],
                victim_disability=data["victim_disability"],
                victim_lgbt_plus=data["victim_lgbt_plus"],
                assessment=assessment,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = " It is a repeat referral." if referral.is_repeat else ""
            messages.success(request, f"Case referred to MARAC.{note}")
            return redirect("marac:referral-detail", referral_id=referral.pk)
    return render(
        request,
        "marac/referral_form.html",
        {
            "form": form,
            "case": case,
            "assessment": assessment,
            "escalation": escalation,
            "escalation_rule": flag_rules_for(request.user),
        },
    )


def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One MARAC referral."""
    referral = access_referral(request.user, referral_id)
    purpose = purpose_for(request, "referral", referral.pk, case_id=referral.case_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    selectors.referral_detail(actor=request.user, referral=referral, purpose=purpose)
    return render(request, "marac/referral_detail.html", {"referral": referral})


def meeting_new(request: HttpRequest) -> HttpResponse:
    """Plan a MARAC meeting (coordinators)."""
    require_capability(request.user, Capability.MANAGE_MARAC)
    partnerships = [(p.pk, p.name) for p in marac_partnerships(request.user)]
    initial = {"partnership": partnerships[0][0]} if len(partnerships) == 1 else {}
    form = MeetingForm(request.POST or None, partnerships=partnerships, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user,
                partnership=Partnership.objects.get(pk=form.cleaned_data["partnership"]),
                held_on=form.cleaned_data["held_on"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting planned")
            return redirect("marac:meeting-detail", meeting_id=meeting.pk)
    return render(request, "marac/meeting_form.html", {"form": form})


def _agenda_choices(request: HttpRequest, meeting: MaracMeeting) -> list[tuple[int, str]]:
    referrals = (
        referrals_visible_to(request.user)
        .filter(partnership=meeting.partnership)
        .exclude(agenda_items__meeting=meeting)
        .select_related("victim")
        .order_by("referred_on")
    )
    return [
        (
            r.pk,
            f"{r.victim.full_name}, referred {r.referred_on:%d %b %Y}{' (repeat)' if r.is_repeat else ''}",
        )
        for r in referrals
    ]


def _meeting_page(
    request: HttpRequest,
    meeting: MaracMeeting,
    purpose: str,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.meeting_detail(actor=request.user, meeting=meeting, purpose=purpose)
    bound = bound or {}
    item_forms = []
    for item in view.items:
        prefix = f"item{item.pk}"
        note_form = bound.get(f"note-{item.pk}") or ResearchNoteForm(prefix=prefix)
        action_form = bound.get(f"action-{item.pk}") or ActionForm(
            prefix=prefix, organisations=view.organisations
        )
        item_forms.append((item, note_form, action_form))
    agenda_form = None
    if view.manages and meeting.status == MaracMeeting.Status.PLANNED:
        agenda_form = bound.get("agenda") or AgendaForm(referrals=_agenda_choices(request, meeting))
    error_form = next((f for f in bound.values() if f.errors), None)
    actions = [action for item in view.items for action in item.actions.all()]
    return render(
        request,
        "marac/meeting_detail.html",
        {
            "view": view,
            "meeting": meeting,
            "item_forms": item_forms,
            "agenda_form": agenda_form,
            "form": error_form,
            # offered only to members the research and action views would let in
            "may_add_research": can_contribute(request.user),
            "completable": completable_actions(request.user, meeting, actions),
        },
        status=status,
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting page: agenda, research, actions and (if permitted) minutes."""
    meeting = access_meeting(request.user, meeting_id)
    purpose = purpose_for(request, "marac_meeting", meeting.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    return _meeting_page(request, meeting, purpose)


@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Put a referred case on the agenda (shares it with the meeting's organisations)."""
    meeting = access_meeting(request.user, meeting_id, manage=True)
    purpose = purpose_for(request, "marac_meeting", meeting.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    form = AgendaForm(request.POST, referrals=_agenda_choices(request, meeting))
    if form.is_valid():
        referral = access_referral(request.user, form.cleaned_data["referral"])
        try:
            _item, _shares = services.agenda_add(
                actor=request.user, meeting=meeting, referral=referral
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{referral.victim.full_name}'s case added to the agenda and shared with the meeting's organisations",
            )
            return redirect("marac:meeting-detail", meeting_id=meeting.pk)
    return _meeting_page(request, meeting, purpose, bound={"agenda": form}, status=400)


def agenda_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    """Take a case off a planned meeting's agenda, with a reason (coordinators): the shares
    the agenda gave the meeting's organisations end."""
    item = access_item(request.user, item_id, manage=True)
    purpose = purpose_for(request, "marac_meeting", item.meeting_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    if item.meeting.status != MaracMeeting.Status.PLANNED:
        raise Http404("No such agenda item")
    form = AgendaRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_remove(
                actor=request.user, item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{item.referral.victim.full_name}'s case taken off the agenda; "
                "the meeting's organisations no longer see it through this meeting",
            )
            return redirect("marac:meeting-detail", meeting_id=item.meeting_id)
    return render(
        request,
        "marac/agenda_remove.html",
        {
            "form": form,
            "item": item,
            "meeting": item.meeting,
            "research_notes": item.research_notes.count(),
            "actions": item.actions.count(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def research_add(request: HttpRequest, item_id: int) -> HttpResponse:
    """Add the member's organisation's research to an agenda item."""
    item = access_item(request.user, item_id)
    purpose = purpose_for(request, "marac_meeting", item.meeting_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    form = ResearchNoteForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.research_note_add(
                actor=request.user, item=item, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Research added")
            return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    return _meeting_page(
        request, item.meeting, purpose, bound={f"note-{item.pk}": form}, status=400
    )


@require_POST
def action_add(request: HttpRequest, item_id: int) -> HttpResponse:
    """Record an action for an agency (coordinators)."""
    item = access_item(request.user, item_id, manage=True)
    purpose = purpose_for(request, "marac_meeting", item.meeting_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    organisations = list(item.meeting.organisations.order_by("name").values_list("pk", "name"))
    form = ActionForm(request.POST, prefix=f"item{item.pk}", organisations=organisations)
    if form.is_valid():
        try:
            services.action_add(
                actor=request.user,
                item=item,
                organisation=Organisation.objects.get(pk=form.cleaned_data["organisation"]),
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action recorded")
            return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    return _meeting_page(
        request, item.meeting, purpose, bound={f"action-{item.pk}": form}, status=400
    )


@require_POST
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    """Mark an action complete (its agency or the coordinator)."""
    action = access_action(request.user, action_id)
    try:
        services.action_complete(actor=request.user, action=action)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404("No such action") from None
    else:
        messages.success(request, "Action marked as complete")
    return redirect(f"{action.item.meeting.get_absolute_url()}#item-{action.item_id}")


def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Write the restricted minutes and mark the meeting held (coordinators)."""
    meeting = access_meeting(request.user, meeting_id, manage=True)
    if not can_read_minutes(request.user, meeting):
        raise Http404("No such meeting")
    form = MinutesForm(
        request.POST or None,
        initial={
            "minutes": meeting.minutes,
            "held": meeting.status == MaracMeeting.Status.HELD,
            "version": meeting.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                held=form.cleaned_data["held"],
                version=form.cleaned_data["version"],
            )
        except services.StaleEditError as error:
            form.add_error(None, f"{error}. Nothing was saved: reload the page and try again")
        else:
            messages.success(request, "Minutes saved")
            return redirect("marac:meeting-detail", meeting_id=meeting.pk)
    return render(request, "marac/minutes_form.html", {"form": form, "meeting": meeting})


def data_form(request: HttpRequest) -> HttpResponse:
    """The quarterly MARAC data form figures for a period (coordinators)."""
    require_capability(request.user, Capability.MANAGE_MARAC)
    partnerships = [(p.pk, p.name) for p in marac_partnerships(request.user)]
    initial = {"partnership": partnerships[0][0]} if len(partnerships) == 1 else {}
    form = DataFormForm(
        request.GET if "start_0" in request.GET else None,
        partnerships=partnerships,
        initial=initial,
    )
    result = None
    if form.is_bound and form.is_valid():
        result = selectors.data_form(
            actor=request.user,
            partnership=marac_partnerships(request.user).get(pk=form.cleaned_data["partnership"]),
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            adult_women=form.cleaned_data["adult_women"],
        )
    return render(request, "marac/data_form.html", {"form": form, "result": result})
