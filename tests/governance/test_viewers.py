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
