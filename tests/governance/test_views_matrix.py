"""The no-leak matrix for the sharing and governance pages: every view x every role x the
own organisation's, a shared, and another organisation's record. A record the member may
not see is 404 exactly like a missing one, and its name never appears in the response."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.sharing.models import RecordShare
from tests.sharing import records

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zebedee Quillfeather"


def can(role: Role, *capabilities: Capability) -> bool:
    return all(role_can(role, c) for c in capabilities)


def expected(role: Role, situation: str) -> dict[str, int]:
    """The status each page must answer for this role and record."""
    sees = can(role, Capability.VIEW_PERSONAL_RECORDS)
    visible = sees and situation in ("own", "shared")
    supervisor = sees and (
        can(role, Capability.SUPERVISE_CASES) or can(role, Capability.VIEW_AUDIT)
    )
    return {
        "record-shares": 200 if visible else 404,
        "share-create": (
            404
            if not visible
            else 403
            if situation == "shared" or not can(role, Capability.SHARE_RECORDS)
            else 200
        ),
        "share-case": (
            404
            if not visible
            else 403
            if situation == "shared" or not can(role, Capability.SHARE_RECORDS)
            else 200
        ),
        "viewers": 403 if not supervisor else 200 if situation == "own" else 404,
        "subject-access": (
            403
            if not can(role, Capability.VIEW_PERSONAL_RECORDS, Capability.EXPORT)
            else 200
            if visible
            else 404
        ),
        "erase": (
            403
            if not can(role, Capability.EDIT_PERSONAL_RECORDS, Capability.SUPERVISE_CASES)
            else 200
            if situation == "own"
            else 404
        ),
        "revoke": 200 if situation == "own" and can(role, Capability.SHARE_RECORDS) else 404,
    }


@pytest.mark.parametrize("situation", ["own", "shared", "other"])
@pytest.mark.parametrize("role", list(Role))
def test_no_leak_matrix(
    client: Any, make_member: Any, organisations: dict[str, Any], role: Role, situation: str
) -> None:
    viewer = make_member(role, "own")
    owner = make_member(Role.CASEWORKER, "own" if situation == "own" else "other")
    given, family = SECRET_NAME.split()
    person = records.person(owner, given, family)
    case = records.case(owner, people=[(person, "victim")], title=f"Case about {SECRET_NAME}")
    receiver = organisations["other"] if situation == "own" else organisations["own"]
    share_to = receiver if situation != "other" else organisations["other"]
    shares = {}
    for record_type, record in (("person", person), ("case", case)):
        shares[record_type] = RecordShare.objects.create(
            record_type=record_type,
            record_id=record.pk,
            owner_organisation=owner.organisation,
            organisation=share_to,
            legal_basis="cda_1998_s115",
            reason="Joint work",
            granted_by=owner.user,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )
    if situation == "other":  # a share between others never opens it to us
        RecordShare.objects.filter(pk__in=[s.pk for s in shares.values()]).update(
            organisation=owner.organisation
        )
    client.force_login(viewer.user)
    session = client.session
    remember_purpose(session, purpose_scope("person", person.pk), "Supervision")
    session.save()
    urls = {
        "record-shares": f"/sharing/person/{person.pk}/",
        "share-create": f"/sharing/person/{person.pk}/share",
        "share-case": f"/sharing/case/{case.pk}/share",
        "viewers": f"/governance/people/{person.pk}/viewers",
        "subject-access": f"/governance/people/{person.pk}/subject-access",
        "erase": f"/governance/retention/person/{person.pk}/erase",
        "revoke": f"/sharing/shares/{shares['person'].pk}/revoke",
    }
    want = expected(role, situation)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == want[name], (name, url, response.status_code)
        if response.status_code != 200:
            assert SECRET_NAME not in response.content.decode(), name
    # Posting is refused the same way as reading.
    for name in ("share-create", "erase", "subject-access"):
        if want[name] != 200:
            assert client.post(urls[name], {}).status_code == want[name], name
