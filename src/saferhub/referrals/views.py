"""Referral pages: the organisation's inbox, sending a referral and deciding one. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases.access import access_case
from saferhub.cases.models import Case
from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.organisations.access import require_capability
from saferhub.organisations.models import Organisation
from saferhub.organisations.rules import Capability
from saferhub.people.access import access_person
from saferhub.referrals import selectors, services
from saferhub.referrals.access import access_referral, can_decide, can_send, can_withdraw
from saferhub.referrals.forms import DecisionForm, ReferralForm, WithdrawForm
from saferhub.referrals.rules import Service, Status


def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals received by the member's organisation, and those it sent."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    return render(request, "referrals/inbox.html", {"inbox": selectors.inbox(actor=request.user)})


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise Http404("No such record") from None


def referral_new(request: HttpRequest) -> HttpResponse:
    """Send a referral about a person (?person=, optionally ?case= and ?service=)."""
    if not can_send(request.user):
        raise PermissionDenied("needs the edit_personal_records capability")
    membership = require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    source = request.POST if request.method == "POST" else request.GET
    person_id = _int(source.get("person"))
    if person_id is None:
        raise Http404("No such person")
    person = access_person(request.user, person_id)
    case_id = _int(source.get("case"))
    case: Case | None = access_case(request.user, case_id) if case_id else None
    purpose = purpose_for(request, "person", person.pk, case_id=case.pk if case else None)
    if isinstance(purpose, HttpResponse):
        return purpose
    if request.method == "GET":
        selectors.person_for_referral(actor=request.user, person=person, purpose=purpose)
    organisations = list(
        Organisation.objects.filter(partnerships__organisations=membership.organisation_id)
        .exclude(pk=membership.organisation_id)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    service = source.get("service", "")
    initial = {"service": service} if service in Service.__members__.values() else {}
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                actor=request.user,
                person=person,
                case=case,
                to_organisation=Organisation.objects.get(pk=data["to_organisation"]),
                service=data["service"],
                details=data["details"],
                consent=data["consent"],
                consent_override_reason=data["consent_override_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Referral sent to {referral.to_organisation.name}")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request, "referrals/referral_form.html", {"form": form, "person": person, "case": case}
    )


def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral; the receiving organisation accepts or declines it here."""
    referral = access_referral(request.user, referral_id)
    purpose = purpose_for(request, "referral", referral.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    selectors.referral_detail(actor=request.user, referral=referral, purpose=purpose)
    deciding = can_decide(request.user, referral) and referral.status == "sent"
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"version": referral.version},
    )
    if request.method == "POST":
        if not deciding:
            raise Http404("No such referral")
        if form.is_valid():
            try:
                services.referral_decide(
                    actor=request.user,
                    referral=referral,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except services.StaleEditError as error:
                form.add_error(None, f"{error}. Nothing was saved")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Decision recorded")
                return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "form": form if deciding else None,
            "can_withdraw": can_withdraw(request.user, referral) and referral.status == Status.SENT,
        },
    )


def referral_withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Withdraw a referral awaiting a decision (the sending organisation), with a reason: the
    records it shared stop being shared with the receiving organisation."""
    referral = access_referral(request.user, referral_id)
    if not can_withdraw(request.user, referral) or referral.status != Status.SENT:
        raise Http404("No such referral")
    purpose = purpose_for(request, "referral", referral.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    form = WithdrawForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user,
                referral=referral,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.StaleEditError as error:
            form.add_error(None, f"{error}. Nothing was saved")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Referral withdrawn: {referral.to_organisation.name} no longer sees it"
            )
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_withdraw.html",
        {"referral": referral, "form": form},
        status=400 if form.errors else 200,
    )
