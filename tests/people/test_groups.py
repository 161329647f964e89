"""Groups of people: the services (create, change with optimistic locking, add and take out
members, audited), who may see and change a group (its organisation's; another
organisation's group is a 404 like a missing one), and the group page's reads, which never
list or count a member the viewer may not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.people import access, selectors, services
from saferhub.people.models import PersonGroup
from saferhub.sharing.models import AccessLevel, RecordShare
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(make_member: Any) -> dict[str, Any]:
    return {
        "worker": make_member(Role.CASEWORKER, "own"),
        "colleague": make_member(Role.TEAM_MANAGER, "own"),
        "police": make_member(Role.CASEWORKER, "other"),
        "analyst": make_member(Role.ANALYST, "own"),
    }


def test_create_and_change_a_group(members: dict[str, Any]) -> None:
    worker = members["worker"]
    group = services.group_create(
        actor=worker.user, name="  Riverside Park youths ", description="Evenings, bandstand"
    )
    assert (group.name, group.owner_organisation_id, group.version) == (
        "Riverside Park youths",
        worker.organisation.pk,
        1,
    )
    created = AuditEvent.objects.get(action="group.created")
    assert created.operation == "collection" and created.target_id == str(group.pk)
    changed = services.group_update(
        actor=members["colleague"].user,
        group=group,
        version=1,
        name="Riverside Park group",
        description="Evenings, bandstand",
    )
    assert (changed.name, changed.version) == ("Riverside Park group", 2)
    event = AuditEvent.objects.get(action="group.updated")
    assert event.operation == "alteration" and event.payload == {"fields": ["name"]}


def test_a_stale_change_is_refused_and_nothing_is_overwritten(members: dict[str, Any]) -> None:
    worker = members["worker"]
    group = services.group_create(actor=worker.user, name="Bus station group")
    services.group_update(
        actor=worker.user, group=group, version=1, name="First change", description=""
    )
    with pytest.raises(services.StaleEditError, match="Someone else changed this group"):
        services.group_update(
            actor=members["colleague"].user,
            group=group,
            version=1,
            name="Second change",
            description="",
        )
    group.refresh_from_db()
    assert (group.name, group.version) == ("First change", 2)


def test_bad_names_are_refused(members: dict[str, Any]) -> None:
    worker = members["worker"]
    with pytest.raises(ValidationError) as error:
        services.group_create(actor=worker.user, name="   ")
    assert error.value.message_dict == {"name": ["Enter a name for the group"]}
    with pytest.raises(ValidationError, match="200 characters or fewer"):
        services.group_create(actor=worker.user, name="x" * 201)
    with pytest.raises(ValidationError, match="2000 characters or fewer"):
        services.group_create(actor=worker.user, name="Ok", description="x" * 2001)
    with pytest.raises(PermissionDenied):
        services.group_create(actor=members["analyst"].user, name="Not allowed")
    assert not PersonGroup.objects.exists()


def test_members_are_people_the_member_may_see(members: dict[str, Any], organisations: Any) -> None:
    worker, police = members["worker"], members["police"]
    group = services.group_create(actor=worker.user, name="Precinct group")
    own_person = f.person(worker, "Kai", "Mercer")
    services.group_add_member(actor=worker.user, group=group, person=own_person)
    event = AuditEvent.objects.get(action="group.member_added")
    assert event.subject_id == str(own_person.pk) and event.operation == "alteration"
    with pytest.raises(ValidationError, match="Kai Mercer is already in this group"):
        services.group_add_member(actor=worker.user, group=group, person=own_person)
    hidden = f.person(police, "Lee", "Hidden")
    with pytest.raises(Http404):
        services.group_add_member(actor=worker.user, group=group, person=hidden)
    f.share("person", hidden.pk, police, organisations["own"])
    services.group_add_member(actor=worker.user, group=group, person=hidden)  # now visible
    assert set(group.members.values_list("pk", flat=True)) == {own_person.pk, hidden.pk}
    services.group_remove_member(actor=worker.user, group=group, person=own_person)
    removed = AuditEvent.objects.get(action="group.member_removed")
    assert removed.subject_id == str(own_person.pk)
    with pytest.raises(Http404):  # not a member any more
        services.group_remove_member(actor=worker.user, group=group, person=own_person)


def test_a_hidden_member_cannot_be_taken_out_by_someone_who_cannot_see_them(
    members: dict[str, Any], organisations: Any
) -> None:
    worker, police = members["worker"], members["police"]
    group = services.group_create(actor=worker.user, name="Shared members group")
    theirs = f.person(police, "Mo", "Farrant")
    f.share("person", theirs.pk, police, organisations["own"])
    services.group_add_member(actor=worker.user, group=group, person=theirs)
    RecordShare.objects.filter(record_type="person", record_id=theirs.pk).update(
        revoked_at=timezone.now()
    )
    with pytest.raises(Http404):
        services.group_remove_member(actor=worker.user, group=group, person=theirs)
    assert group.members.filter(pk=theirs.pk).exists()


def test_another_organisations_group_is_a_404(members: dict[str, Any]) -> None:
    worker, police = members["worker"], members["police"]
    theirs = services.group_create(actor=police.user, name="Police group")
    mine = services.group_create(actor=worker.user, name="Council group")
    assert list(access.groups_visible_to(worker.user)) == [mine]
    for need in ("view", "edit"):
        with pytest.raises(Http404):
            access.access_group(worker.user, theirs.pk, need=need)
        with pytest.raises(Http404):
            access.access_group(worker.user, 999_999, need=need)
    assert not access.can_edit_group(worker.user, theirs)
    with pytest.raises(Http404):
        services.group_update(
            actor=worker.user, group=theirs, version=1, name="Taken over", description=""
        )
    with pytest.raises(Http404):
        services.group_add_member(actor=worker.user, group=theirs, person=f.person(worker))
    # members without the right to see personal records see no group at all
    assert not access.groups_visible_to(members["analyst"].user).exists()


def test_a_shared_group_is_seen_and_changed_only_as_its_share_allows(
    members: dict[str, Any], organisations: Any
) -> None:
    worker, police = members["worker"], members["police"]
    theirs = services.group_create(actor=police.user, name="Joint ASB group")
    f.share("group", theirs.pk, police, organisations["own"])
    assert access.access_group(worker.user, theirs.pk) == theirs
    assert not access.can_edit_group(worker.user, theirs)
    with pytest.raises(Http404):
        access.access_group(worker.user, theirs.pk, need="edit")
    f.share("group", theirs.pk, police, organisations["own"], level=AccessLevel.CONTRIBUTE)
    assert access.can_edit_group(worker.user, theirs)


def test_the_group_page_lists_only_visible_members(
    members: dict[str, Any], organisations: Any
) -> None:
    worker, police = members["worker"], members["police"]
    group = services.group_create(actor=worker.user, name="Mixed group")
    seen = f.person(worker, "Ava", "Seen")
    hidden = f.person(police, "Ben", "Unseen")
    services.group_add_member(actor=worker.user, group=group, person=seen)
    group.members.add(hidden)  # added by someone who could see them (a lapsed share)
    view = selectors.group_detail(
        actor=worker.user, group_id=group.pk, purpose="Managing this case"
    )
    assert view.members == [seen]
    event = AuditEvent.objects.get(action="group.viewed")  # one event: one member shown
    assert event.operation == "consultation" and event.purpose == "Managing this case"
    assert event.subject_id == str(seen.pk) and event.payload["members_shown"] == 1
    assert selectors.groups_of_person(actor=worker.user, person=seen) == [group]
    assert selectors.groups_of_person(actor=police.user, person=hidden) == []
    with pytest.raises(Http404):
        selectors.group_detail(actor=police.user, group_id=group.pk, purpose="Probing")


def test_group_search_and_list(members: dict[str, Any]) -> None:
    worker, police = members["worker"], members["police"]
    services.group_create(actor=worker.user, name="Riverside youths")
    services.group_create(actor=police.user, name="Riverside police group")
    found = selectors.groups_search(actor=worker.user, text="riverside")
    assert [g.name for g in found.object_list] == ["Riverside youths"]
    event = AuditEvent.objects.get(action="group.searched")
    assert event.operation == "consultation" and len(event.payload["shown"]) == 1
    assert [g.name for g in selectors.groups_page(actor=worker.user).object_list] == [
        "Riverside youths"
    ]
    assert list(selectors.groups_search(actor=worker.user, text="  ").object_list) == []
    with pytest.raises(PermissionDenied):
        selectors.groups_page(actor=members["analyst"].user)
