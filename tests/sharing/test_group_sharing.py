"""Sharing a group through the sharing pages: the group becomes visible to the other
organisation (its page, the group list and the group search), only with the members that
organisation may see, and revoking the share hides it again (404 like a missing group)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from saferhub.sharing.models import RecordShare
from tests.cases.test_views import client_for, with_purposes
from tests.sharing import records

pytestmark = pytest.mark.django_db


def test_a_shared_group_is_visible_to_the_other_organisation_until_revoked(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    group = people_services.group_create(
        actor=worker.user, name="Quarry Lane youths", description="Evenings by the garages"
    )
    member = records.person(worker, "Kai", "Fenwick")
    people_services.group_add_member(actor=worker.user, group=group, person=member)

    owner = client_for(worker)
    other = client_for(police)
    with_purposes(other, {"group": group.pk})
    detail = f"/groups/{group.pk}/"

    def sees_group() -> tuple[int, bool, bool]:
        listing = other.get("/groups/").content.decode()
        found = other.get("/search/", {"q": "Quarry", "kind": "groups"}).content.decode()
        return (
            other.get(detail).status_code,
            "Quarry Lane youths" in listing,
            "Quarry Lane youths" in found,
        )

    assert sees_group() == (404, False, False)
    assert other.get(f"/sharing/group/{group.pk}/").status_code == 404

    page = owner.get(f"/sharing/group/{group.pk}/")
    assert page.status_code == 200
    assert f'href="/sharing/group/{group.pk}/share"' in page.content.decode()
    expires = timezone.localdate() + datetime.timedelta(days=90)
    shared = owner.post(
        f"/sharing/group/{group.pk}/share",
        {
            "organisation": police.organisation.pk,
            "access_level": "view",
            "legal_basis": "cda_1998_s115",
            "reason": "Joint ASB problem-solving",
            "expires_on_0": expires.day,
            "expires_on_1": expires.month,
            "expires_on_2": expires.year,
        },
    )
    assert shared.status_code == 302, shared.content.decode()[:2000]
    share = RecordShare.objects.get(record_type="group", record_id=group.pk)
    assert share.organisation_id == police.organisation.pk and share.cascaded_from_id is None
    # A group share opens the group only: the member's person record is not shared with it.
    assert not RecordShare.objects.filter(record_type="person").exists()
    disclosed = AuditEvent.objects.get(action="record.shared")
    assert (disclosed.target_type, disclosed.target_id) == ("group", str(group.pk))

    assert sees_group() == (200, True, True)
    shown = other.get(detail).content.decode()
    assert "Evenings by the garages" in shown and "Kai Fenwick" not in shown

    revoked = owner.post(f"/sharing/shares/{share.pk}/revoke", {"reason": "Problem solved"})
    assert revoked.status_code == 302
    assert sees_group() == (404, False, False)
    assert other.get(f"/sharing/group/{group.pk}/").status_code == 404


def test_only_the_owner_may_share_a_group(make_member: Any, organisations: dict[str, Any]) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    theirs = people_services.group_create(actor=police.user, name="Police operation group")
    client = client_for(worker)
    for url in (f"/sharing/group/{theirs.pk}/", f"/sharing/group/{theirs.pk}/share"):
        assert client.get(url).status_code == 404
    assert client.get("/sharing/group/999999/share").status_code == 404
