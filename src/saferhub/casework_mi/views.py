"""The casework figures page and its CSV download (same filters, same numbers)."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saferhub.casework_mi import rules, selectors
from saferhub.casework_mi.access import require_figures
from saferhub.casework_mi.forms import FiguresForm
from saferhub.organisations.access import AnyUser, has_capability
from saferhub.organisations.rules import Capability

CSV_COLUMNS = (
    "Group",
    "Opened",
    "Closed",
    "Open at the end",
    "Median days to close",
    "Reviews overdue",
)


def _figures(request: HttpRequest) -> tuple[FiguresForm, selectors.Filters | None]:
    user: AnyUser = request.user
    today = timezone.localdate()
    organisations, districts = selectors.filter_options(actor=user)
    form = FiguresForm(
        request.GET or None, organisations=organisations, districts=districts, today=today
    )
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    default = rules.default_period(today)
    filters = selectors.Filters(
        period=rules.Period(data.get("date_from") or default.start, data.get("date_to") or today),
        group_by=data.get("group_by") or "case_type",
        case_type=data.get("case_type") or "",
        district=data.get("district") or "",
        organisation_id=data.get("organisation"),
    )
    return form, filters


def figures(request: HttpRequest) -> HttpResponse:
    """Cases opened, closed and open, median days to close, reviews overdue, MARAC volumes."""
    require_figures(request.user)
    form, filters = _figures(request)
    table = marac = None
    if filters is not None:
        today = timezone.localdate()
        rows = selectors.case_rows(actor=request.user, filters=filters, today=today)
        table = rules.figures(rows, group_by=filters.group_by, period=filters.period)
        marac = selectors.marac_volumes(actor=request.user, period=filters.period)
    return render(
        request,
        "casework_mi/figures.html",
        {
            "form": form,
            "filters": filters,
            "table": table,
            "marac": marac,
            "dimension": rules.DIMENSIONS.get(filters.group_by if filters else "", ""),
            "query": request.GET.urlencode(),
            "own_only": not has_capability(request.user, Capability.VIEW_PERSONAL_RECORDS),
        },
    )


def figures_csv(request: HttpRequest) -> HttpResponse:
    """The same table as CSV."""
    require_figures(request.user)
    _form, filters = _figures(request)
    if filters is None:
        return figures(request)
    rows = selectors.case_rows(actor=request.user, filters=filters, today=timezone.localdate())
    table = rules.figures(rows, group_by=filters.group_by, period=filters.period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([rules.DIMENSIONS[filters.group_by], *CSV_COLUMNS[1:]])
    for row in table:
        writer.writerow(
            [
                row.group,
                row.opened,
                row.closed,
                row.open_at_end,
                "" if row.median_days_to_close is None else f"{row.median_days_to_close:g}",
                row.reviews_overdue,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="casework-figures-{filters.period.start}-{filters.period.end}.csv"'
    )
    return response
