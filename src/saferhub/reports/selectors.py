"""Reads for board reports: a report built from the stored scorecard run, its commentary,
and published versions. No personal data is read here (figures are counts), so reads are
not audited; publishing and commentary changes are (see services)."""

from __future__ import annotations

from django.http import Http404

from saferhub.organisations.models import Partnership
from saferhub.performance.services import indicator_set, scorecard_run_for
from saferhub.reports.content import BoardReport, build_report, require_data
from saferhub.reports.models import Commentary, PublishedReport


def commentary_for(
    *, partnership: Partnership, period: str, period_type: str
) -> dict[str, Commentary]:
    """The commentary written for a partnership and period, by indicator id."""
    rows = Commentary.objects.filter(
        partnership=partnership, period=period, period_type=period_type
    ).select_related("updated_by")
    return {row.indicator_id: row for row in rows}


def board_report(
    *,
    partnership: Partnership,
    period: str,
    period_type: str,
    include_restricted: bool,
    published: bool = False,
) -> BoardReport:
    """The partnership's board report for the period, from the stored scorecard run for what
    the warehouse holds now (computed once and stored if there is none yet).

    Raises ``performance.services.NoAreaError`` when the partnership has no area in the
    warehouse, and ``analytics.scorecard.NoDataError`` when there are no data for the period.
    """
    run = scorecard_run_for(partnership=partnership, period=period, period_type=period_type)
    commentary = commentary_for(partnership=partnership, period=period, period_type=period_type)
    return require_data(
        build_report(
            run,
            indicator_set(),
            commentary={key: row.text for key, row in commentary.items()},
            published=published,
            include_restricted=include_restricted,
        )
    )


def published_versions(
    *, partnership: Partnership, period: str, period_type: str
) -> list[PublishedReport]:
    """Every published version for the partnership and period, newest first."""
    return list(
        PublishedReport.objects.filter(
            partnership=partnership, period=period, period_type=period_type
        ).order_by("-version")
    )


def published_report(
    *, slug: str, period: str, period_type: str, version: int | None = None
) -> PublishedReport:
    """A published report (the latest version unless one is asked for), or 404. Anyone may
    read published reports: they have been through disclosure control."""
    found = PublishedReport.objects.filter(
        partnership__slug=slug, period=period, period_type=period_type
    ).select_related("partnership")
    if version is not None:
        found = found.filter(version=version)
    report = found.order_by("-version").first()
    if report is None:
        raise Http404("No such published report")
    return report


def published_for_partnership(*, slug: str) -> tuple[Partnership, list[PublishedReport]]:
    """A partnership's published reports, latest version of each period first; 404 if it has
    published none (unpublished partnerships are not listed to the public)."""
    reports = list(
        PublishedReport.objects.filter(partnership__slug=slug)
        .select_related("partnership")
        .order_by("-period", "period_type", "-version")
    )
    if not reports:
        raise Http404("No published reports")
    latest: dict[tuple[str, str], PublishedReport] = {}
    for report in reports:
        latest.setdefault((report.period, report.period_type), report)
    return reports[0].partnership, list(latest.values())


def published_snapshot(report: PublishedReport) -> BoardReport:
    """The published report's content exactly as it was published."""
    return BoardReport.from_data(report.snapshot)
