"""Case indicators: the case system's figures exported into the warehouse equal casework
management information for the same cases, loading them again changes nothing, an erased
case's month is cleared, and the dashboard shows case indicators beside crime (restricted
MARAC ones only to roles that handle them)."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.models import Case
from saferhub.casework_mi import rules as mi_rules
from saferhub.casework_mi import selectors as mi_selectors
from saferhub.marac import services as marac_services
from saferhub.organisations.rules import Role
from saferhub.performance.case_figures import case_figures, case_figures_export
from saferhub.performance.services import scorecard_run_for
from saferhub.performance.warehouse import state
from tests.performance.test_access import sign_in
from tests.sharing import records

pytestmark = pytest.mark.django_db

BRACKENFORD = "E07900001"
CARROW = "E07900002"
TZ = timezone.get_current_timezone()


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(11), tzinfo=TZ)


def seed_cases(owner: Any, partnership: Any) -> None:
    """Cases in two districts and one with no district, closures, an overdue review and
    MARAC referrals (the second for the same victim within 12 months: a repeat)."""
    brackenford = records.place(owner, district_code=BRACKENFORD)
    carrow = records.place(owner, district_code=CARROW)
    for day in (
        datetime.date(2024, 10, 5),
        datetime.date(2025, 3, 4),
        datetime.date(2025, 3, 20),
        datetime.date(2025, 5, 2),
    ):
        records.case(owner, places=[brackenford], opened_at=at(day))
    records.case(
        owner,
        places=[carrow],
        opened_at=at(datetime.date(2025, 4, 1)),
        status="closed",
        closed_at=at(datetime.date(2025, 6, 30)),
    )
    records.case(owner, opened_at=at(datetime.date(2025, 4, 9)))  # no district
    late = records.case(owner, places=[carrow], opened_at=at(datetime.date(2025, 2, 1)))
    records.review(late, datetime.date(2025, 7, 15))
    victim = records.person(owner, "Dana", "Hollis", gender="female")
    da = records.case(
        owner,
        case_type="domestic_abuse",
        places=[brackenford],
        people=[(victim, "victim")],
        opened_at=at(datetime.date(2025, 1, 10)),
    )
    for day in (datetime.date(2025, 2, 3), datetime.date(2025, 6, 9)):
        marac_services.referral_create(
            actor=owner.user,
            case=da,
            victim=victim,
            partnership=partnership,
            criterion="visible_high_risk",
            reasons="High risk",
            referred_on=day,
        )


def warehouse_rows(path: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            """
            SELECT dataset, month, area_code, category, n FROM partner_record
            WHERE dataset LIKE 'saferhub-%' ORDER BY ALL
            """
        ).fetchall()
    finally:
        con.close()


def test_export_equals_casework_figures_and_loads_once(
    make_member: Any, partnership: Any, settings: Any, tmp_path: Path
) -> None:
    settings.WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.DATA_DIR = tmp_path
    manager = make_member(Role.TEAM_MANAGER)
    seed_cases(manager, partnership)
    today = datetime.date(2025, 9, 30)
    figures, left_out = case_figures(today=today)
    assert left_out == 1  # the case with no district

    period = mi_rules.Period(datetime.date(2024, 10, 1), today)
    rows = mi_selectors.case_rows(
        actor=manager.user, filters=mi_selectors.Filters(period=period), today=today
    )
    by_district = {
        f.group: f
        for f in mi_rules.figures(
            [r for r in rows if r.district], group_by="district", period=period
        )
    }
    for district in (BRACKENFORD, CARROW):
        for dataset, field in (
            ("saferhub-cases-opened", "opened"),
            ("saferhub-cases-closed", "closed"),
            ("saferhub-reviews-overdue", "reviews_overdue"),
        ):
            exported = sum(
                f.count for f in figures if (f.dataset, f.area_code) == (dataset, district)
            )
            assert exported == getattr(by_district[district], field), (district, dataset)
    volumes = mi_selectors.marac_volumes(actor=manager.user, period=period)
    marac = Counter(f.category for f in figures if f.dataset == "saferhub-marac-referrals")
    assert marac["new"] + marac["repeat"] == sum(v.count for v in volumes) == 2
    assert marac["repeat"] == sum(v.repeats for v in volumes) == 1

    first = case_figures_export(manager.user, today=today)
    assert first.status == "loaded"
    loaded = warehouse_rows(settings.WAREHOUSE_PATH)
    assert sum(r[4] for r in loaded if r[0] == "saferhub-cases-opened") == 7
    assert all(isinstance(r[2], str) and r[2] in (BRACKENFORD, CARROW) for r in loaded)
    fingerprint = state().fingerprint
    again = case_figures_export(manager.user, today=today)
    assert again.status == "unchanged"
    assert warehouse_rows(settings.WAREHOUSE_PATH) == loaded
    assert state().fingerprint == fingerprint
    assert AuditEvent.objects.filter(action="case_figures.exported").count() == 1

    # A case erased from the case system: its month is replaced, not left behind.
    Case.objects.filter(opened_at=at(datetime.date(2025, 5, 2))).delete()
    assert case_figures_export(manager.user, today=today).status == "loaded"
    may = [
        r
        for r in warehouse_rows(settings.WAREHOUSE_PATH)
        if r[0] == "saferhub-cases-opened" and r[1] == datetime.date(2025, 5, 1)
    ]
    assert sum(r[4] for r in may) == 0


def test_dashboard_shows_case_indicators_restricted_ones_only_to_analysts(
    client: Any,
    organisations: Any,
    lindenshire: Any,
    member_in: Any,
    warehouse_settings: Path,
) -> None:
    worker = member_in(Role.CASEWORKER, organisations["own"])
    seed_cases(worker, lindenshire["board"])
    exported = case_figures_export(None, today=datetime.date(2025, 10, 1))
    assert exported.status == "loaded"
    run = scorecard_run_for(
        partnership=lindenshire["board"], period="2025-09", period_type="rolling-12"
    )
    figures = {r["indicator_id"]: r["count"] for r in run.results if r["area_code"] == "E23900001"}
    # Rolling 12 months to September 2025: every case above falls in it.
    assert figures["asb_cases_opened"] == 6
    assert figures["asb_cases_closed"] == 1
    assert figures["case_reviews_overdue"] == 1
    assert figures["marac_cases"] == 2
    assert figures["marac_repeat_cases"] == 1

    board = lindenshire["board"].slug
    sign_in(client, member_in(Role.ANALYST, organisations["own"]))
    html = client.get(f"/performance/{board}/").content.decode()
    assert "ASB cases opened" in html and "All crime" in html
    assert "MARAC referrals per 10,000 residents (case system)" in html
    assert client.get(f"/performance/{board}/indicators/marac_cases/").status_code == 200
    client.logout()

    sign_in(client, member_in(Role.BOARD_MEMBER, organisations["own"]))
    html = client.get(f"/performance/{board}/").content.decode()
    assert "ASB cases opened" in html and "Case reviews overdue" in html
    assert "(case system)" not in html
    assert client.get(f"/performance/{board}/indicators/marac_cases/").status_code == 404
    assert client.get(f"/performance/{board}/indicators/marac_repeat_cases/").status_code == 404
