"""Sharing pages: a record's shares, sharing it, revoking a share, and the shares an
organisation has granted and received. Records are fetched only through the registered
access rule, so a hidden record is 404 exactly like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from saferhub.core.forms import add_service_errors
from saferhub.organisations.access import require_capability
from saferhub.organisations.models import Organisation
from saferhub.organisations.rules import Capability
from saferhub.sharing import selectors, services
from saferhub.sharing.access import access_share_to_revoke, can_share
from saferhub.sharing.forms import RevokeForm, ShareForm
from saferhub.sharing.registry import access_record, describe_record, kind_of


def record_shares(request: HttpRequest, record_type: str, record_id: int) -> HttpResponse:
    """Who a record is shared with, and (for the owner) a link to share it."""
    record = access_record(request.user, record_type, record_id)
    shares = selectors.record_shares(actor=request.user, record=record)
    today = timezone.localdate()
    return render(
        request,
        "sharing/record_shares.html",
        {
            "record": record,
            "noun": kind_of(record_type).noun,
            "active": [s for s in shares if s.is_active_on(today)],
            "ended": [s for s in shares if not s.is_active_on(today)],
            "can_share": can_share(
                request.user, owner_organisation_id=record.owner_organisation_id
            ),
        },
    )


def share_create(request: HttpRequest, record_type: str, record_id: int) -> HttpResponse:
    """Share a record (and, for a case, its linked records) with another organisation."""
    record = access_record(request.user, record_type, record_id)
    if not can_share(request.user, owner_organisation_id=record.owner_organisation_id):
        raise PermissionDenied("only the owning organisation's members who may share can share")
    owner = Organisation.objects.get(pk=record.owner_organisation_id)
    form = ShareForm(request.POST or None, owner=owner, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.record_share(
                actor=request.user,
                record=record,
                organisation=data["organisation"],
                access_level=data["access_level"],
                legal_basis=data["legal_basis"],
                reason=data["reason"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = f"Shared with {result.share.organisation.name}"
            if result.cascaded:
                text += f", with {len(result.cascaded)} linked record{'s' if len(result.cascaded) != 1 else ''}"
            messages.success(request, text)
            return redirect("sharing:record-shares", record_type=record_type, record_id=record_id)
    return render(
        request,
        "sharing/share_create.html",
        {"form": form, "record": record, "noun": kind_of(record_type).noun},
    )


def share_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    """End a share early (and the shares of linked records it created)."""
    share = access_share_to_revoke(request.user, share_id)
    record = describe_record(share.record_type, share.record_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoked = services.share_revoke(
                actor=request.user, share=share, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            text = f"Stopped sharing with {share.organisation.name}"
            if len(revoked) > 1:
                text += f", with {len(revoked) - 1} linked record{'s' if len(revoked) != 2 else ''}"
            messages.success(request, text)
            return redirect(
                "sharing:record-shares", record_type=share.record_type, record_id=share.record_id
            )
    return render(
        request, "sharing/share_revoke.html", {"form": form, "share": share, "record": record}
    )


def organisation_shares(request: HttpRequest) -> HttpResponse:
    """Shares the member's organisation has granted and received."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    direction = "received" if request.GET.get("direction") == "received" else "granted"
    shares = selectors.organisation_shares(actor=request.user, direction=direction)[:500]
    return render(
        request,
        "sharing/organisation_shares.html",
        {"shares": shares, "direction": direction, "today": timezone.localdate()},
    )
