"""Performance pages: the partnerships a member may see, a partnership's dashboard, an
indicator, an area, and the data status. Thin: access, selectors, templates."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.organisations.access import has_capability
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Capability
from saferhub.performance import access, selectors
from saferhub.performance.forms import PeriodForm
from saferhub.performance.services import NoAreaError
from saferhub.performance.warehouse import WarehouseBusyError


def _period(request: HttpRequest) -> tuple[selectors.PeriodOptions, PeriodForm]:
    options = selectors.period_options(request.GET.get("period"))
    initial = {"period": options.chosen.value} if options.chosen else {}
    return options, PeriodForm(initial=initial, choices=options.choices)


def _unavailable(
    request: HttpRequest, partnership: Partnership, message: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "performance/unavailable.html",
        {"partnership": partnership, "message": message},
        status=status,
    )


def index(request: HttpRequest) -> HttpResponse:
    """The partnerships whose figures the member may see."""
    access.require_performance_viewer(request.user)
    partnerships = access.partnerships_visible_to(request.user)
    return render(request, "performance/index.html", {"partnerships": partnerships})


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Every indicator for the partnership's area and each CSP or district in it."""
    _, partnership = access.access_partnership(request.user, slug)
    options, form = _period(request)
    if options.chosen is None:
        return _unavailable(request, partnership, "No police.uk data are loaded yet.")
    try:
        board = selectors.dashboard(request.user, partnership, options.chosen)
    except NoAreaError as error:
        return _unavailable(request, partnership, str(error))
    except WarehouseBusyError as error:
        return _unavailable(request, partnership, str(error), status=503)
    return render(
        request,
        "performance/dashboard.html",
        {"board": board, "partnership": partnership, "form": form, "options": options},
    )


def indicator(request: HttpRequest, slug: str, indicator_id: str) -> HttpResponse:
    """One indicator: monthly chart with control limits, figures, definition, peers,
    districts and wards, data-quality notes."""
    _, partnership = access.access_partnership(request.user, slug)
    options, form = _period(request)
    if options.chosen is None:
        return _unavailable(request, partnership, "No police.uk data are loaded yet.")
    try:
        page = selectors.indicator_page(request.user, partnership, options.chosen, indicator_id)
    except NoAreaError as error:
        return _unavailable(request, partnership, str(error))
    except WarehouseBusyError as error:
        return _unavailable(request, partnership, str(error), status=503)
    if page is None:
        raise Http404("No such indicator")
    return render(
        request,
        "performance/indicator.html",
        {"page": page, "partnership": partnership, "form": form, "options": options},
    )


def area(request: HttpRequest, slug: str, area_code: str) -> HttpResponse:
    """One area of the partnership's scorecard in full, with its notes and peers."""
    _, partnership = access.access_partnership(request.user, slug)
    options, form = _period(request)
    if options.chosen is None:
        return _unavailable(request, partnership, "No police.uk data are loaded yet.")
    try:
        found = selectors.area_detail(request.user, partnership, options.chosen, area_code)
    except NoAreaError as error:
        return _unavailable(request, partnership, str(error))
    except WarehouseBusyError as error:
        return _unavailable(request, partnership, str(error), status=503)
    if found is None:
        raise Http404("No such area")
    run, block, facts = found
    context: dict[str, Any] = {
        "run": run,
        "card": block,
        "facts": facts,
        "partnership": partnership,
        "form": form,
        "options": options,
    }
    return render(request, "performance/area.html", context)


def data_status(request: HttpRequest) -> HttpResponse:
    """What the warehouse holds, which months are missing, and what was quarantined."""
    access.require_performance_viewer(request.user)
    try:
        status = selectors.data_status(show_raw=has_capability(request.user, Capability.LOAD_DATA))
    except WarehouseBusyError as error:
        return render(request, "performance/unavailable.html", {"message": str(error)}, status=503)
    return render(request, "performance/data_status.html", {"status": status})
