"""Changes to board reports: saving an analyst's commentary and publishing a report. Each
runs in one transaction with its audit event."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import membership_of
from saferhub.organisations.models import Partnership
from saferhub.performance.services import indicator_set, scorecard_run_for
from saferhub.reports import rules
from saferhub.reports.content import DEFAULT_THRESHOLD, build_report, require_data
from saferhub.reports.models import Commentary, PublishedReport
from saferhub.reports.selectors import commentary_for

Actor = AbstractBaseUser | AnonymousUser

COMMENTARY_MAX = 5000
"""Longest commentary on one indicator, in characters (about a page of the report)."""


class StaleCommentaryError(Exception):
    """Someone saved the commentary after this form was opened; nothing was saved."""


class PublishRefusedError(Exception):
    """The report cannot be published as it stands; the messages say why."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def commentary_save(
    *,
    actor: Actor,
    partnership: Partnership,
    period: str,
    period_type: str,
    indicator_id: str,
    text: str,
    version: int,
) -> Commentary:
    """Save an analyst's commentary on one indicator for a partnership and period.

    ``version`` is the version the analyst started from (0 for new commentary). If someone
    saved a newer version meanwhile, :class:`StaleCommentaryError` is raised and nothing is
    saved. Audited as ``report.commentary_saved`` (alteration), with the text's length only.
    """
    membership = membership_of(actor)
    if membership is None or not rules.may_write_commentary(membership.role):
        raise PermissionDenied("only analysts write commentary")
    text = text.strip()
    if len(text) > COMMENTARY_MAX:
        raise ValueError(f"Commentary must be {COMMENTARY_MAX:,} characters or fewer")
    key = {
        "partnership": partnership,
        "period": period,
        "period_type": period_type,
        "indicator_id": indicator_id,
    }
    existing = Commentary.objects.select_for_update().filter(**key).first()
    current = existing.version if existing is not None else 0
    if current != version:
        raise StaleCommentaryError("Someone else saved this commentary while you were editing it")
    if existing is None:
        commentary = Commentary.objects.create(
            **key, text=text, version=1, updated_by=membership.user
        )
    else:
        # The version check and the update are one statement: a racing save cannot slip in.
        updated = Commentary.objects.filter(pk=existing.pk, version=version).update(
            text=text, version=version + 1, updated_by=membership.user
        )
        if updated == 0:  # pragma: no cover - the row lock above prevents this
            raise StaleCommentaryError(
                "Someone else saved this commentary while you were editing it"
            )
        commentary = Commentary.objects.get(pk=existing.pk)
    audit_record(
        actor=actor,
        action="report.commentary_saved",
        operation=Operation.ALTERATION if existing else Operation.COLLECTION,
        target_type="report_commentary",
        target_id=commentary.pk,
        record_owner_organisation_id=membership.organisation_id,
        payload={
            "partnership": partnership.slug,
            "period": period,
            "period_type": period_type,
            "indicator": indicator_id,
            "version": commentary.version,
            "characters": len(text),
        },
    )
    return commentary


@transaction.atomic
def report_publish(
    *,
    actor: Actor,
    partnership: Partnership,
    period: str,
    period_type: str,
    threshold: int = DEFAULT_THRESHOLD,
) -> PublishedReport:
    """Publish the partnership's report for the period to its public page.

    The published version is built from the stored scorecard run for what the warehouse holds
    now, with disclosure control (counts below ``threshold`` hidden, with secondary
    suppression) and without restricted indicators, and stored as a snapshot: later data loads
    do not change it. Publishing again adds a new version. Refused (PublishRefusedError) when
    commentary to be published states a number below the threshold. Audited as
    ``report.published`` (disclosure).
    """
    membership = membership_of(actor)
    if membership is None or not rules.may_publish(membership.role):
        raise PermissionDenied("needs the publish_reports capability")
    run = scorecard_run_for(partnership=partnership, period=period, period_type=period_type)
    commentary = {
        key: row.text
        for key, row in commentary_for(
            partnership=partnership, period=period, period_type=period_type
        ).items()
    }
    report = require_data(
        build_report(
            run, indicator_set(), commentary=commentary, published=True, threshold=threshold
        )
    )
    names = {line.indicator_id: line.name for line in report.lines}
    problems = rules.commentary_problems(commentary, names, threshold)
    if problems:
        raise PublishRefusedError(problems)
    # Lock the partnership row so two publishers cannot take the same version number.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    existing = PublishedReport.objects.filter(
        partnership=partnership, period=period, period_type=period_type
    )
    latest = existing.aggregate(latest=Max("version"))["latest"] or 0
    earlier = [
        {"version": r.version, "published_at": r.published_at.isoformat(timespec="seconds")}
        for r in existing.order_by("-version")
    ]
    published = PublishedReport.objects.create(
        partnership=partnership,
        period=period,
        period_type=period_type,
        version=latest + 1,
        published_by=membership.user,
        scorecard_run=run,
        threshold=threshold,
        snapshot={},
    )
    stamped = report.with_publication(
        version=published.version,
        published_at=published.published_at.isoformat(timespec="seconds"),
        earlier=earlier,
    )
    published.snapshot = stamped.to_data()
    published.save(update_fields=["snapshot"])
    audit_record(
        actor=actor,
        action="report.published",
        operation=Operation.DISCLOSURE,
        target_type="published_report",
        target_id=published.pk,
        record_owner_organisation_id=membership.organisation_id,
        purpose="Publication of partnership performance figures to the public",
        payload={
            "partnership": partnership.slug,
            "period": period,
            "period_type": period_type,
            "version": published.version,
            "scorecard_run": run.pk,
            "threshold": threshold,
            "indicators": [line.indicator_id for line in report.lines],
            "warehouse_fingerprint": run.warehouse_fingerprint,
        },
    )
    return published
