"""The audit search page for supervisors and administrators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.audit.forms import AuditSearchForm
from saferhub.audit.selectors import AuditFilters, audit_search
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability


def search(request: HttpRequest) -> HttpResponse:
    """Search events by user, record, person, action and date."""
    require_capability(request.user, Capability.VIEW_AUDIT)
    form = AuditSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = AuditFilters(**{k: v for k, v in data.items() if v not in ("", None)})
        events = audit_search(actor=request.user, filters=filters)
        page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()}
    )
