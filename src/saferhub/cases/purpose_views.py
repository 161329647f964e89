"""The purpose-of-access page: asked once per case (or record) per session."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases.purpose import (
    PURPOSES,
    RECORD_TYPE_LABELS,
    remember_purpose,
    remembered_purpose,
    safe_next,
)
from saferhub.cases.purpose_forms import PurposeForm
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability


def ask(request: HttpRequest) -> HttpResponse:
    """Ask why the member wants to see the record, remember it, and go on to the record.

    The page names only the kind of record (never the record itself), so it reveals nothing
    about records the member may not see: the record's own page checks access afterwards.
    """
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    scope = (request.POST.get("scope") or request.GET.get("scope") or "")[:60]
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    record_type = scope.split(":", 1)[0]
    if record_type not in RECORD_TYPE_LABELS or ":" not in scope:
        return redirect("web:home")
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        remember_purpose(request.session, scope, form.chosen_purpose())
        return redirect(next_url)
    return render(
        request,
        "cases/purpose.html",
        {
            "form": form,
            "scope": scope,
            "next": next_url,
            "record_label": RECORD_TYPE_LABELS[record_type],
            "purposes": PURPOSES,
            "current": remembered_purpose(request.session, scope),
        },
    )
