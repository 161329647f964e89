"""Members pages: administrators manage their own organisation's members only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.core.forms import add_service_errors
from saferhub.organisations import selectors, services
from saferhub.organisations.access import assignable_roles, require_capability
from saferhub.organisations.forms import MemberAddForm, MemberChangeForm
from saferhub.organisations.models import Membership
from saferhub.organisations.rules import Capability, Role


def member_list(request: HttpRequest) -> HttpResponse:
    """Everyone in the administrator's organisation."""
    own = require_capability(request.user, Capability.MANAGE_MEMBERS)
    members = selectors.member_list(actor=request.user)
    return render(
        request,
        "organisations/member_list.html",
        {"members": members, "organisation": own.organisation},
    )


def member_add(request: HttpRequest) -> HttpResponse:
    """Add a member; their temporary password is shown once on the next page."""
    own = require_capability(request.user, Capability.MANAGE_MEMBERS)
    form = MemberAddForm(request.POST or None, roles=assignable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, password = services.member_add(
                actor=request.user,
                organisation=own.organisation,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=Role(data["role"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session["issued_password"] = {"member": membership.pk, "password": password}
            return redirect("organisations:member-added", membership_id=membership.pk)
    return render(request, "organisations/member_add.html", {"form": form})


def member_added(request: HttpRequest, membership_id: int) -> HttpResponse:
    """The new member's temporary password, shown once to the administrator."""
    membership = selectors.member_detail(actor=request.user, membership_id=membership_id)
    issued = request.session.pop("issued_password", None)
    password = issued["password"] if issued and issued.get("member") == membership.pk else None
    return render(
        request, "organisations/member_added.html", {"member": membership, "password": password}
    )


def member_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One member: change their role or stop them signing in."""
    require_capability(request.user, Capability.MANAGE_MEMBERS)
    membership: Membership = selectors.member_detail(
        actor=request.user, membership_id=membership_id
    )
    roles = assignable_roles(request.user)
    if membership.role_enum not in roles:
        roles = (*roles, membership.role_enum)
    initial = {
        "role": membership.role,
        "is_active": membership.is_active,
        "version": membership.version,
    }
    form = MemberChangeForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change(
                actor=request.user,
                membership=membership,
                role=Role(form.cleaned_data["role"]),
                is_active=form.cleaned_data["is_active"],
                version=form.cleaned_data["version"],
            )
        except services.StaleEditError as error:
            form.add_error(None, f"{error}. Nothing was saved: check the details and try again")
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    form.add_error("role", problem)
        else:
            messages.success(request, f"{membership.user} has been updated")
            return redirect("organisations:member-list")
    return render(request, "organisations/member_detail.html", {"member": membership, "form": form})
