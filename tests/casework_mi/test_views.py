"""Casework figures over the database: only the cases the viewer's organisation may see are
counted (own, plus shared for members who see records); the CSV has the same numbers."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from saferhub.cases.models import CaseReview
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.sharing.models import RecordShare
from tests.sharing import records

pytestmark = pytest.mark.django_db

# Noon local time: whole days back from it land on the dates intended, whatever the hour the
# suite runs (from 23:00 UTC, 50 days back crossed into British Summer Time and the next date).
NOW = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def cases(make_member: Any, organisations: dict[str, Any]) -> None:
    own = make_member(Role.CASEWORKER)
    other = make_member(Role.CASEWORKER, "other")
    brackenford = records.place(own, district_code="E07000901")
    records.case(own, places=[brackenford], opened_at=NOW - datetime.timedelta(days=30))
    closed = records.case(
        own,
        case_type="domestic_abuse",
        opened_at=NOW - datetime.timedelta(days=50),
        status="closed",
        closed_at=NOW - datetime.timedelta(days=20),
    )
    assert closed
    late = records.case(own, opened_at=NOW - datetime.timedelta(days=40))
    CaseReview.objects.create(case=late, due_on=timezone.localdate() - datetime.timedelta(days=3))
    shared = records.case(other, title="Shared", opened_at=NOW - datetime.timedelta(days=10))
    RecordShare.objects.create(
        record_type="case",
        record_id=shared.pk,
        owner_organisation=other.organisation,
        organisation=own.organisation,
        legal_basis="cda_1998_s115",
        reason="Joint",
        granted_by=other.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    for _ in range(5):  # the other organisation's own cases: never counted here
        records.case(other, opened_at=NOW - datetime.timedelta(days=5))


def total(response: Any) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[-1]


@pytest.mark.parametrize("role", list(Role))
def test_who_sees_figures_and_over_which_cases(
    client: Any, make_member: Any, cases: None, role: Role
) -> None:
    member = make_member(role)
    client.force_login(member.user)
    page = client.get("/casework-figures/")
    allowed = role_can(role, Capability.VIEW_PERFORMANCE) or role_can(
        role, Capability.SUPERVISE_CASES
    )
    if not allowed:
        assert page.status_code == 403
        assert client.get("/casework-figures/figures.csv").status_code == 403
        return
    assert page.status_code == 200
    response = client.get("/casework-figures/figures.csv?group_by=case_type")
    assert response["Content-Type"].startswith("text/csv")
    # Own organisation: 3 cases (1 closed, 2 open, one review overdue); the shared case is
    # counted only by members who see records; the other organisation's 5 never.
    if role_can(role, Capability.VIEW_PERSONAL_RECORDS):
        assert total(response) == ["Total", "4", "1", "3", "30", "1"]
    else:
        assert total(response) == ["Total", "3", "1", "2", "30", "1"]


def test_filters_and_grouping(client: Any, make_member: Any, cases: None) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    client.force_login(manager.user)
    by_district = client.get("/casework-figures/figures.csv?group_by=district")
    rows = list(csv.reader(io.StringIO(by_district.content.decode())))
    assert rows[0][0] == "District"
    assert rows[1][:2] == ["E07000901", "1"]
    only_da = client.get("/casework-figures/figures.csv?case_type=domestic_abuse")
    assert total(only_da)[:3] == ["Total", "1", "1"]
    page = client.get("/casework-figures/?group_by=month")
    assert page.status_code == 200
    assert "Total" in page.content.decode()


def test_impossible_dates_show_errors(client: Any, make_member: Any, cases: None) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    client.force_login(manager.user)
    response = client.get(
        "/casework-figures/?date_from_0=31&date_from_1=2&date_from_2=2026&date_to_0=&date_to_1=&date_to_2="
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "must be a real date" in response.content.decode()
