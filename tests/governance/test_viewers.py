"""Who viewed a person: supervisors of the owning organisation see every view of its
records about the person (by anyone, with purpose and time), never views of another
organisation's records; the look-up is itself audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.governance import selectors
from saferhub.organisations.rules import Role
from saferhub.people.selectors import person_detail
from saferhub.sharing.models import RecordShare
from tests.sharing import records

pytestmark = pytest.mark.django_db


def test_views_by_anyone_of_our_records_are_listed_with_purpose(
    client: Any, make_member: Any, organisations: dict[str, Any]
) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    jo = records.person(worker, "Jo", "Marsh")
    RecordShare.objects.create(
        record_type="person",
        record_id=jo.pk,
        owner_organisation=worker.organisation,
        organisation=police.organisation,
        legal_basis="cda_1998_s115",
        reason="Joint case",
        granted_by=worker.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    person_detail(actor=worker.user, person_id=jo.pk, purpose="Managing this case")
    person_detail(actor=police.user, person_id=jo.pk, purpose="Safeguarding concern")
    # The police's own record about Jo (their incident) is theirs: its views are not ours.
    records.incident(police, people=[(jo, "victim")])
    from saferhub.audit.rules import Operation
    from saferhub.audit.services import audit_record

    audit_record(
        actor=police.user,
        action="incident.viewed",
        operation=Operation.CONSULTATION,
        target_type="incident",
        target_id=1,
        record_owner_organisation_id=police.organisation.pk,
        subject_id=jo.pk,
        purpose="POLICE ONLY",
    )
    events = selectors.person_viewers(actor=manager.user, person=jo, purpose="Supervision")
    assert [(e.actor_username, e.purpose) for e in events] == [
        (police.user.username, "Safeguarding concern"),
        (worker.user.username, "Managing this case"),
    ]
    looked = AuditEvent.objects.get(action="person.viewers_viewed")
    assert (looked.subject_id, looked.purpose) == (str(jo.pk), "Supervision")

    client.force_login(manager.user)
    url = f"/governance/people/{jo.pk}/viewers"
    assert client.get(url).status_code == 302  # asked for a purpose first
    session = client.session
    remember_purpose(session, purpose_scope("person", jo.pk), "Supervision")
    session.save()
    page = client.get(url).content.decode()
    assert "Safeguarding concern" in page and "POLICE ONLY" not in page


def test_a_group_page_view_is_listed_for_each_member_it_showed(
    client: Any, make_member: Any, organisations: dict[str, Any]
) -> None:
    """A group's page shows its members' names: the view appears on each shown member's
    who-viewed page (for the organisation owning that person's record), never on the page
    of a member the viewer could not see."""
    from saferhub.people import services as people_services
    from tests.cases.test_views import client_for, with_purposes

    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    police_manager = make_member(Role.TEAM_MANAGER, "other")
    jo = records.person(worker, "Jo", "Marsh")
    sam = records.person(police, "Sam", "Okafor")  # the police's record, shared with us
    hidden = records.person(police, "Lee", "Hidden")  # the police's, not shared
    RecordShare.objects.create(
        record_type="person",
        record_id=sam.pk,
        owner_organisation=police.organisation,
        organisation=worker.organisation,
        legal_basis="cda_1998_s115",
        reason="Joint ASB problem-solving",
        granted_by=police.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    group = people_services.group_create(actor=worker.user, name="Quarry Lane youths")
    for member in (jo, sam):
        people_services.group_add_member(actor=worker.user, group=group, person=member)
    group.members.add(hidden)

    browser = client_for(worker)
    with_purposes(browser, {"group": group.pk})
    assert browser.get(f"/groups/{group.pk}/").status_code == 200

    def listed(supervisor: Any, person: Any) -> list[tuple[str, str, str, str]]:
        events = selectors.person_viewers(actor=supervisor.user, person=person, purpose="Check")
        return [
            (e.actor_username, e.action, f"{e.target_type} {e.target_id}", e.purpose)
            for e in events
        ]

    group_view = (worker.user.username, "group.viewed", f"group {group.pk}", "Managing this case")
    assert listed(manager, jo) == [group_view]
    assert listed(police_manager, sam) == [group_view]
    assert listed(police_manager, hidden) == []

    client.force_login(manager.user)
    session = client.session
    remember_purpose(session, purpose_scope("person", jo.pk), "Supervision")
    session.save()
    page = client.get(f"/governance/people/{jo.pk}/viewers").content.decode()
    assert "group.viewed" in page and f"group {group.pk}" in page
    assert worker.user.username in page and "Managing this case" in page
