"""Data load pages: upload files, watch the load's progress, read its report, list loads.

Every page works as plain GET/POST; htmx only replaces the progress panel while a load runs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from saferhub.dataloads import rules, selectors, services
from saferhub.dataloads.forms import UploadForm
from saferhub.dataloads.models import DataLoad
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability

REFRESH_SECONDS = 3

# Pages the finished report links to, by URL name (the first that exists is used).
_DATA_STATUS_URLS = ("performance:data-status",)
_DASHBOARD_URLS = ("performance:index",)


def _first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def load_list(request: HttpRequest) -> HttpResponse:
    """The organisation's recent loads: who, when, what, and how they ended."""
    own = require_capability(request.user, Capability.LOAD_DATA)
    loads = selectors.load_list(actor=request.user)
    return render(
        request, "dataloads/load_list.html", {"loads": loads, "organisation": own.organisation}
    )


def upload(request: HttpRequest) -> HttpResponse:
    """Choose files and upload them; the load runs in the background."""
    require_capability(request.user, Capability.LOAD_DATA)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            load = services.dataload_create(
                actor=request.user, uploads=form.cleaned_data["data_files"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("data_files", message)
        else:
            return redirect("dataloads:load-detail", load_id=load.pk)
    return render(
        request,
        "dataloads/upload.html",
        {"form": form, "max_size": rules.megabytes(settings.DATALOAD_MAX_FILE_BYTES)},
    )


def _progress_context(load: DataLoad) -> dict[str, object]:
    since = (timezone.now() - load.updated_at).total_seconds()
    return {
        "load": load,
        "percent": rules.progress_percent(load.progress_done, load.progress_total),
        "stuck": rules.looks_stuck(load.status, since),
    }


def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    """One load: its progress while it runs (the page refreshes itself), then its report."""
    require_capability(request.user, Capability.LOAD_DATA)
    load = selectors.load_detail(actor=request.user, load_id=load_id)
    context = _progress_context(load)
    context.update(
        files=list(load.files.all()),
        auto_refresh=not load.is_finished and request.GET.get("refresh") != "off",
        refresh_seconds=REFRESH_SECONDS,
        quarantine=selectors.quarantine_page(load=load, page=request.GET.get("page"))
        if load.is_finished
        else None,
        data_status_url=_first_url(_DATA_STATUS_URLS),
        dashboard_url=_first_url(_DASHBOARD_URLS),
    )
    return render(request, "dataloads/load_detail.html", context)


def load_progress(request: HttpRequest, load_id: int) -> HttpResponse:
    """The progress panel, for htmx to poll; once the load has finished, tells htmx to
    reload the whole page, which then shows the report."""
    require_capability(request.user, Capability.LOAD_DATA)
    load = selectors.load_detail(actor=request.user, load_id=load_id)
    detail = reverse("dataloads:load-detail", kwargs={"load_id": load.pk})
    if not request.headers.get("HX-Request"):
        return redirect(detail)
    if load.is_finished:
        response = HttpResponse()
        response["HX-Redirect"] = detail
        return response
    return render(request, "dataloads/_progress.html", _progress_context(load))
