"""`saferhub report`: a board report written to a file from the command line.

The figures come from the stored scorecard run for what the warehouse holds now (computed and
stored if there is none), exactly as on the web pages, so the same warehouse always gives the
same figures.
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import Q

from saferhub.analytics.scorecard import NoDataError
from saferhub.organisations.models import Partnership
from saferhub.performance.services import NoAreaError
from saferhub.performance.warehouse import WarehouseBusyError
from saferhub.reports import rules, selectors
from saferhub.reports.rendering import file_name, render
from saferhub.reports.rules import ReportFormat


class ReportCommandError(Exception):
    """The report cannot be made; the message says why in one line."""


def find_partnership(text: str) -> Partnership:
    """The partnership with this slug or name (case-insensitive)."""
    found = Partnership.objects.filter(Q(slug=text.strip()) | Q(name__iexact=text.strip())).first()
    if found is None:
        names = ", ".join(Partnership.objects.values_list("slug", flat=True)[:20]) or "none"
        raise ReportCommandError(f"no partnership {text!r} (known: {names})")
    return found


def write_report(
    *,
    partnership: str,
    period: str,
    period_type: str | None,
    fmt: str,
    output: str | None,
    published: bool,
    include_restricted: bool,
) -> Path:
    """Make the report and write it to ``output`` (or a default name); returns the path."""
    chosen = find_partnership(partnership)
    try:
        period_text, kind = rules.canonical_period(period, period_type)
    except ValueError as error:
        raise ReportCommandError(str(error)) from error
    try:
        report = selectors.board_report(
            partnership=chosen,
            period=period_text,
            period_type=kind,
            include_restricted=include_restricted and not published,
            published=published,
        )
    except (NoAreaError, NoDataError, WarehouseBusyError) as error:
        raise ReportCommandError(str(error)) from error
    report_format = ReportFormat(fmt)
    path = Path(output) if output else Path(file_name(report, report_format))
    path.write_bytes(render(report, report_format))
    return path
