"""Board report pages: choose a report, download it, write commentary, publish; and the
public pages of published reports (no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.decorators import public_page
from saferhub.analytics.scorecard import NoDataError
from saferhub.organisations.models import Membership, Partnership
from saferhub.performance.models import ScorecardRun
from saferhub.performance.services import NoAreaError
from saferhub.performance.warehouse import WarehouseBusyError
from saferhub.reports import access, rendering, rules, selectors, services
from saferhub.reports.content import BoardReport
from saferhub.reports.forms import CommentaryForm, PeriodForm, PublishForm
from saferhub.reports.rules import ReportFormat


def _period(token: str) -> tuple[str, str]:
    parsed = rules.parse_period_token(token)
    if parsed is None:
        raise Http404("No such period")
    return parsed


def _format(fmt: str, allowed: tuple[ReportFormat, ...] = tuple(ReportFormat)) -> ReportFormat:
    try:
        chosen = ReportFormat(fmt)
    except ValueError:
        raise Http404("No such format") from None
    if chosen not in allowed:
        raise Http404("No such format")
    return chosen


def _unavailable(
    request: HttpRequest, partnership: Partnership, period: str, error: Exception
) -> HttpResponse:
    """The page that says why there is no report, rather than a report of zeros."""
    status = 503 if isinstance(error, WarehouseBusyError) else 200
    return render(
        request,
        "reports/unavailable.html",
        {"partnership": partnership, "period": period, "problem": str(error)},
        status=status,
    )


ReportProblem = (NoAreaError, NoDataError, WarehouseBusyError)


def _internal_report(
    membership: Membership, partnership: Partnership, period: str, period_type: str
) -> BoardReport:
    return selectors.board_report(
        partnership=partnership,
        period=period,
        period_type=period_type,
        include_restricted=rules.may_see_restricted(membership.role),
    )


def report_index(request: HttpRequest) -> HttpResponse:
    """The partnerships whose board reports the member may read."""
    membership = access.require_report_reader(request.user)
    return render(
        request,
        "reports/index.html",
        {
            "partnerships": access.partnerships_visible_to(request.user),
            "membership": membership,
        },
    )


def report_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the period of a partnership's report."""
    _, partnership = access.access_partnership(request.user, slug)
    latest = ScorecardRun.objects.filter(partnership=partnership).first()
    initial = {"period": latest.period, "period_type": latest.period_type} if latest else {}
    form = PeriodForm(request.GET or None, initial=initial)
    if request.GET and form.is_valid():
        token = rules.period_token(form.cleaned_data["period"], form.cleaned_data["period_type"])
        return redirect("reports:detail", slug=partnership.slug, token=token)
    return render(request, "reports/choose.html", {"partnership": partnership, "form": form})


def report_detail(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """One report: its summary, downloads, commentary and publication."""
    membership, partnership = access.access_partnership(request.user, slug)
    period, period_type = _period(token)
    try:
        report = _internal_report(membership, partnership, period, period_type)
    except ReportProblem as error:
        return _unavailable(request, partnership, period, error)
    commentary = selectors.commentary_for(
        partnership=partnership, period=period, period_type=period_type
    )
    return render(
        request,
        "reports/detail.html",
        {
            "partnership": partnership,
            "report": report,
            "token": token,
            "formats": list(ReportFormat),
            "commentary": commentary,
            "may_write": rules.may_write_commentary(membership.role),
            "may_publish": rules.may_publish(membership.role),
            "published": selectors.published_versions(
                partnership=partnership, period=period, period_type=period_type
            ),
        },
    )


def report_download(request: HttpRequest, slug: str, token: str, fmt: str) -> HttpResponse:
    """The internal report as a file (PDF, HTML, Excel or CSV), built from the stored run.
    Restricted figures are included only for members who may see them."""
    membership, partnership = access.access_partnership(request.user, slug)
    period, period_type = _period(token)
    chosen = _format(fmt)
    try:
        report = _internal_report(membership, partnership, period, period_type)
    except ReportProblem as error:
        return _unavailable(request, partnership, period, error)
    return _file_response(report, chosen)


def _file_response(report: BoardReport, chosen: ReportFormat) -> HttpResponse:
    response = HttpResponse(rendering.render(report, chosen), content_type=chosen.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{rendering.file_name(report, chosen)}"'
    )
    response["Cache-Control"] = "no-store" if not report.published else "public, max-age=300"
    return response


def commentary_edit(request: HttpRequest, slug: str, token: str, indicator_id: str) -> HttpResponse:
    """An analyst writes or changes the commentary on one indicator."""
    membership, partnership = access.access_partnership(request.user, slug)
    access.require_commentary_writer(membership)
    period, period_type = _period(token)
    try:
        report = _internal_report(membership, partnership, period, period_type)
        line = report.line(indicator_id)
    except ReportProblem as error:
        return _unavailable(request, partnership, period, error)
    except KeyError:
        raise Http404("No such indicator") from None
    existing = selectors.commentary_for(
        partnership=partnership, period=period, period_type=period_type
    ).get(indicator_id)
    initial = {
        "text": existing.text if existing else "",
        "version": existing.version if existing else 0,
    }
    form = CommentaryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commentary_save(
                actor=request.user,
                partnership=partnership,
                period=period,
                period_type=period_type,
                indicator_id=indicator_id,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except services.StaleCommentaryError as error:
            form.add_error(
                "text",
                f"{error}. Nothing was saved. Copy your text, reload the page to see their "
                "version, then make your changes again",
            )
        else:
            messages.success(request, f"Commentary on {line.name} saved")
            return redirect("reports:detail", slug=partnership.slug, token=token)
    return render(
        request,
        "reports/commentary.html",
        {
            "partnership": partnership,
            "report": report,
            "line": line,
            "token": token,
            "form": form,
            "existing": existing,
        },
    )


def report_publish(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Check the published version of a report and publish it (a new version each time)."""
    membership, partnership = access.access_partnership(request.user, slug)
    access.require_publisher(membership)
    period, period_type = _period(token)
    try:
        preview = selectors.board_report(
            partnership=partnership,
            period=period,
            period_type=period_type,
            include_restricted=False,
            published=True,
        )
    except ReportProblem as error:
        return _unavailable(request, partnership, period, error)
    form = PublishForm(request.POST if request.method == "POST" else None)
    problems: tuple[str, ...] = ()
    if request.method == "POST" and form.is_valid():
        try:
            published = services.report_publish(
                actor=request.user, partnership=partnership, period=period, period_type=period_type
            )
        except services.PublishRefusedError as error:
            problems = error.problems
            for problem in problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request, f"Version {published.version} of the report has been published"
            )
            return redirect("published:detail", slug=partnership.slug, token=token)
    return render(
        request,
        "reports/publish.html",
        {
            "partnership": partnership,
            "report": preview,
            "token": token,
            "form": form,
            "published": selectors.published_versions(
                partnership=partnership, period=period, period_type=period_type
            ),
        },
    )


# --- public pages (no sign-in) -----------------------------------------------------------


@public_page
def public_index(request: HttpRequest, slug: str) -> HttpResponse:
    """A partnership's published reports."""
    partnership, reports = selectors.published_for_partnership(slug=slug)
    return render(
        request,
        "reports/public_index.html",
        {
            "partnership": partnership,
            "reports": [
                (
                    r,
                    rules.period_token(r.period, r.period_type),
                    r.snapshot.get("period_label", r.period),
                )
                for r in reports
            ],
        },
    )


def _public(request: HttpRequest, slug: str, token: str, version: int | None) -> HttpResponse:
    period, period_type = _period(token)
    published = selectors.published_report(
        slug=slug, period=period, period_type=period_type, version=version
    )
    latest = selectors.published_report(slug=slug, period=period, period_type=period_type)
    report = selectors.published_snapshot(published)
    return render(
        request,
        "reports/public_detail.html",
        {
            "report": report,
            "published": published,
            "latest": latest,
            "token": token,
            "formats": rules.PUBLIC_FORMATS,
        },
    )


@public_page
def public_detail(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The latest published version of a report: the stable address for a period."""
    return _public(request, slug, token, None)


@public_page
def public_version(request: HttpRequest, slug: str, token: str, version: int) -> HttpResponse:
    """One published version (earlier versions stay readable at their own address)."""
    return _public(request, slug, token, version)


@public_page
def public_file(request: HttpRequest, slug: str, token: str, fmt: str) -> HttpResponse:
    """The latest published version as a PDF or CSV file."""
    period, period_type = _period(token)
    chosen = _format(fmt, rules.PUBLIC_FORMATS)
    published = selectors.published_report(slug=slug, period=period, period_type=period_type)
    return _file_response(selectors.published_snapshot(published), chosen)


@public_page
def public_version_file(
    request: HttpRequest, slug: str, token: str, version: int, fmt: str
) -> HttpResponse:
    """One published version as a PDF or CSV file."""
    period, period_type = _period(token)
    chosen = _format(fmt, rules.PUBLIC_FORMATS)
    published = selectors.published_report(
        slug=slug, period=period, period_type=period_type, version=version
    )
    return _file_response(selectors.published_snapshot(published), chosen)


def download_url(partnership: Partnership, period: str, period_type: str, fmt: str) -> str:
    """The address of a report download (for the dashboard's download button)."""
    token = rules.period_token(period, period_type)
    return reverse(
        "reports:download", kwargs={"slug": partnership.slug, "token": token, "fmt": fmt}
    )
