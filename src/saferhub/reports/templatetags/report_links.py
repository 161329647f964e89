"""Links to a partnership's board report, for other apps' pages (the dashboard's download
button): ``{% load report_links %}{% report_download_links partnership period period_type %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from saferhub.organisations.models import Partnership
from saferhub.reports import rules
from saferhub.reports.rules import ReportFormat

register = template.Library()


@register.inclusion_tag("reports/_download_links.html")
def report_download_links(
    partnership: Partnership, period: str, period_type: str
) -> dict[str, Any]:
    """The board report's PDF download button and its other formats, for one period."""
    try:
        period, period_type = rules.canonical_period(period, period_type)
    except ValueError:
        return {"links": [], "report_url": ""}
    token = rules.period_token(period, period_type)
    links = [
        (
            fmt,
            reverse(
                "reports:download",
                kwargs={"slug": partnership.slug, "token": token, "fmt": fmt.value},
            ),
        )
        for fmt in ReportFormat
    ]
    return {
        "links": links,
        "report_url": reverse("reports:detail", kwargs={"slug": partnership.slug, "token": token}),
    }
