"""Commentary and publishing: permissions, optimistic locking, audit events, and published
snapshots that later data loads do not change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.exceptions import PermissionDenied

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.reports import selectors, services
from saferhub.reports.content import BoardReport
from saferhub.reports.models import PublishedReport

pytestmark = pytest.mark.django_db
PERIOD, TYPE = "2022-Q2", "quarter"


def _save(
    actor: Any, partnership: Any, text: str, version: int, indicator: str = "burglary"
) -> Any:
    return services.commentary_save(
        actor=actor,
        partnership=partnership,
        period=PERIOD,
        period_type=TYPE,
        indicator_id=indicator,
        text=text,
        version=version,
    )


def test_an_analyst_writes_and_changes_commentary_with_audit(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    analyst = make_member(Role.ANALYST).user
    first = _save(analyst, alpha, "  Burglary rose after a run of garage break-ins.  ", 0)
    assert (first.version, first.text) == (1, "Burglary rose after a run of garage break-ins.")
    second = _save(analyst, alpha, "Revised.", 1)
    assert second.pk == first.pk and second.version == 2 and second.text == "Revised."
    events = list(AuditEvent.objects.filter(action="report.commentary_saved").order_by("pk"))
    assert [e.operation for e in events] == ["collection", "alteration"]
    assert events[1].payload == {
        "partnership": alpha.slug,
        "period": PERIOD,
        "period_type": TYPE,
        "indicator": "burglary",
        "version": 2,
        "characters": 8,
    }
    assert events[1].actor_id == analyst.pk


def test_a_save_over_a_newer_version_is_refused(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    one, two = make_member(Role.ANALYST).user, make_member(Role.ANALYST).user
    _save(one, alpha, "First words.", 0)
    _save(two, alpha, "Second analyst's words.", 1)
    with pytest.raises(services.StaleCommentaryError, match="Someone else saved"):
        _save(one, alpha, "Overwrites the second analyst.", 1)
    with pytest.raises(services.StaleCommentaryError):
        _save(one, alpha, "Also new.", 0)  # someone created it meanwhile
    commentary = selectors.commentary_for(partnership=alpha, period=PERIOD, period_type=TYPE)
    assert commentary["burglary"].text == "Second analyst's words."
    assert AuditEvent.objects.filter(action="report.commentary_saved").count() == 2


@pytest.mark.parametrize(
    "role", [Role.BOARD_MEMBER, Role.PARTNERSHIP_ADMINISTRATOR, Role.TEAM_MANAGER, Role.CASEWORKER]
)
def test_only_analysts_write_commentary(
    alpha: Any, make_member: Callable[..., Any], role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        _save(make_member(role).user, alpha, "Not mine to write.", 0)


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.BOARD_MEMBER, Role.MARAC_COORDINATOR, Role.SYSTEM_ADMINISTRATOR]
)
def test_publishing_needs_the_publish_reports_capability(
    alpha: Any, make_member: Callable[..., Any], role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        services.report_publish(
            actor=make_member(role).user, partnership=alpha, period=PERIOD, period_type=TYPE
        )
    assert not PublishedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report.published").exists()


def _publish(actor: Any, partnership: Any) -> PublishedReport:
    return services.report_publish(
        actor=actor, partnership=partnership, period=PERIOD, period_type=TYPE
    )


def test_publishing_is_audited_as_a_disclosure(alpha: Any, make_member: Callable[..., Any]) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR).user
    published = _publish(admin, alpha)
    event = AuditEvent.objects.get(action="report.published")
    assert event.operation == "disclosure"
    assert event.actor_id == admin.pk
    assert event.target_type == "published_report" and event.target_id == str(published.pk)
    assert event.payload["version"] == 1
    assert event.payload["scorecard_run"] == published.scorecard_run_id
    assert "marac_referrals" not in event.payload["indicators"]
    assert "burglary" in event.payload["indicators"]


def test_the_published_snapshot_has_disclosure_control_and_nothing_restricted(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    published = _publish(make_member(Role.PARTNERSHIP_ADMINISTRATOR).user, alpha)
    report = BoardReport.from_data(published.snapshot)
    assert report.published and report.threshold == 5 and not report.includes_restricted
    ids = {line.indicator_id for line in report.lines}
    assert not ids & {"marac_referrals", "marac_repeat_referrals", "channel_referrals"}
    for line in report.lines:
        for value in (line.count, line.previous_count, *line.series.counts):
            assert value is None or value == 0 or value >= 5, (line.indicator_id, value)
    # Domestic abuse: 9 this quarter, 3 a year earlier (hidden, so the change is hidden too).
    domestic = report.line("domestic_abuse_crimes")
    assert (domestic.count, domestic.previous_count, domestic.change_pct) == (9, None, None)
    internal = selectors.board_report(
        partnership=alpha, period=PERIOD, period_type=TYPE, include_restricted=True
    )
    assert internal.line("domestic_abuse_crimes").previous_count == 3
    assert internal.line("marac_referrals").count == 13


def test_published_report_does_not_change_when_data_are_loaded_and_republishing_adds_a_version(
    alpha: Any, make_member: Callable[..., Any], warehouse_path: Path
) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR).user
    first = _publish(admin, alpha)
    before = dict(first.snapshot)
    # A later load: more burglaries in April 2022, from a new file.
    con = duckdb.connect(str(warehouse_path))
    con.execute(
        "INSERT INTO crime_count VALUES (?, 'leicestershire', 'A1', 'Burglary', 500)",
        [date(2022, 4, 1)],
    )
    con.execute(
        "INSERT INTO source_file VALUES (999, 'street', 'leicestershire', ?, 'extra.csv', "
        "'ab', 1, 1, 1, 0, now()::TIMESTAMP, NULL, NULL, NULL)",
        [date(2022, 4, 1)],
    )
    con.close()
    again = selectors.published_report(slug=alpha.slug, period=PERIOD, period_type=TYPE)
    assert again.pk == first.pk and again.snapshot == before
    old_burglary = BoardReport.from_data(again.snapshot).line("burglary").count

    second = _publish(admin, alpha)
    assert second.version == 2 and second.scorecard_run_id != first.scorecard_run_id
    new_report = BoardReport.from_data(second.snapshot)
    assert new_report.line("burglary").count == (old_burglary or 0) + 500
    assert [v["version"] for v in new_report.earlier_versions] == [1]
    assert selectors.published_report(slug=alpha.slug, period=PERIOD, period_type=TYPE) == second
    assert (
        selectors.published_report(
            slug=alpha.slug, period=PERIOD, period_type=TYPE, version=1
        ).snapshot
        == before
    )


def test_published_report_records_how_its_figures_were_produced(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    published = _publish(make_member(Role.PARTNERSHIP_ADMINISTRATOR).user, alpha)
    report = BoardReport.from_data(published.snapshot)
    run = published.scorecard_run
    assert report.run_id == run.pk
    assert report.definitions_version == run.definitions_version
    assert report.software_version == run.software_version
    assert report.warehouse_fingerprint == run.warehouse_fingerprint
    assert len(report.inputs) == len(run.inputs) == 47  # 48 months, one missing
    assert report.inputs[0]["sha256"] and report.inputs[0]["name"].endswith("-street.csv")


def test_commentary_stating_a_small_number_stops_publication(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    _save(make_member(Role.ANALYST).user, alpha, "Only 3 of these were in the town centre.", 0)
    with pytest.raises(services.PublishRefusedError, match="mentions 3"):
        _publish(make_member(Role.PARTNERSHIP_ADMINISTRATOR).user, alpha)
    assert not PublishedReport.objects.exists()


def test_commentary_on_a_restricted_indicator_is_never_published(
    alpha: Any, make_member: Callable[..., Any]
) -> None:
    _save(
        make_member(Role.ANALYST).user,
        alpha,
        "MARAC referrals are up after training for 2 agencies.",
        0,
        indicator="marac_referrals",
    )
    published = _publish(make_member(Role.PARTNERSHIP_ADMINISTRATOR).user, alpha)
    assert "MARAC referrals are up" not in str(published.snapshot)
