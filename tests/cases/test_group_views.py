"""Group pages: create, view (purpose first, only visible members, never a hidden one's name
or count), change (GOV.UK errors, a stale save refused), add members through the person
search and take them out, another organisation's group a 404 on every page, and the links
from the person page and search."""

from __future__ import annotations

from typing import Any

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from saferhub.people.models import PersonGroup
from tests.cases import factories as f
from tests.cases.test_views import client_for, with_purposes

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_member: Any, organisations: Any) -> dict[str, Any]:
    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    group = people_services.group_create(
        actor=worker.user, name="Riverside Park youths", description="Evenings by the bandstand"
    )
    seen = f.person(worker, "Tyler", "Brennan")
    people_services.group_add_member(actor=worker.user, group=group, person=seen)
    hidden = f.person(police, "Jordan", "Secretname")
    group.members.add(hidden)  # a member the council may no longer see (a share that ended)
    theirs = people_services.group_create(actor=police.user, name="Police operation group")
    return {
        "worker": worker,
        "police": police,
        "group": group,
        "seen": seen,
        "hidden": hidden,
        "theirs": theirs,
    }


def test_the_group_page_asks_the_purpose_then_shows_visible_members_only(
    setting: dict[str, Any],
) -> None:
    client = client_for(setting["worker"])
    group = setting["group"]
    first = client.get(f"/groups/{group.pk}/")
    assert first.status_code == 302 and first["Location"].startswith("/purpose/")
    with_purposes(client, {"group": group.pk})
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Riverside Park youths" in page and "Evenings by the bandstand" in page
    assert "Tyler Brennan" in page
    assert "Secretname" not in page and "Jordan" not in page
    # no count that would give the hidden member away
    assert "2 members" not in page and ">2<" not in page
    # one event per member shown, about that member (never the hidden one)
    events = list(AuditEvent.objects.filter(action="group.viewed"))
    assert [(e.target_id, e.subject_id, e.purpose) for e in events] == [
        (str(group.pk), str(setting["seen"].pk), "Managing this case")
    ]
    assert events[0].record_owner_organisation_id == setting["seen"].owner_organisation_id
    assert events[0].payload == {
        "members_shown": 1,
        "group_owner_organisation_id": group.owner_organisation_id,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/groups/{id}/"),
        ("get", "/groups/{id}/edit"),
        ("post", "/groups/{id}/edit"),
        ("post", "/groups/{id}/members/add"),
        ("post", "/groups/{id}/members/{person}/remove"),
    ],
)
def test_another_organisations_group_is_a_404_like_a_missing_one(
    setting: dict[str, Any], method: str, path: str
) -> None:
    client = client_for(setting["worker"])
    theirs = setting["theirs"]
    with_purposes(client, {"group": theirs.pk})
    for group_id in (theirs.pk, 999_999):
        url = path.format(id=group_id, person=setting["seen"].pk)
        data = {"name": "Taken", "version": 1, "person": setting["seen"].pk}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (url, response.status_code)
    theirs.refresh_from_db()
    assert theirs.name == "Police operation group" and not theirs.members.exists()


def test_roles_without_personal_records_get_403(make_member: Any, setting: Any) -> None:
    analyst = client_for(make_member(Role.ANALYST, "own"))
    assert analyst.get("/groups/").status_code == 403
    assert analyst.get(f"/groups/{setting['group'].pk}/").status_code == 403
    assert analyst.get("/groups/new").status_code == 403


def test_create_a_group_with_govuk_errors(setting: dict[str, Any]) -> None:
    client = client_for(setting["worker"])
    listing = client.get("/groups/").content.decode()
    assert "Riverside Park youths" in listing and "Police operation group" not in listing
    assert 'href="/groups/new"' in listing
    blank = client.post("/groups/new", {"name": "  ", "description": ""})
    body = blank.content.decode()
    assert "govuk-error-summary" in body and "Enter a name for the group" in body
    too_long = client.post("/groups/new", {"name": "x" * 201})
    assert "Name must be 200 characters or fewer" in too_long.content.decode()
    created = client.post("/groups/new", {"name": "Shopping centre group", "description": ""})
    group = PersonGroup.objects.get(name="Shopping centre group")
    assert created["Location"] == f"/groups/{group.pk}/"
    assert group.owner_organisation_id == setting["worker"].organisation.pk


def test_change_name_and_description_refuses_a_stale_save(setting: dict[str, Any]) -> None:
    client = client_for(setting["worker"])
    group = setting["group"]
    form = client.get(f"/groups/{group.pk}/edit").content.decode()
    assert 'value="Riverside Park youths"' in form
    saved = client.post(
        f"/groups/{group.pk}/edit",
        {"name": "Riverside group", "description": "Changed", "version": 1},
    )
    assert saved.status_code == 302
    stale = client.post(
        f"/groups/{group.pk}/edit", {"name": "Older copy", "description": "", "version": 1}
    )
    assert "Someone else changed this group" in stale.content.decode()
    group.refresh_from_db()
    assert (group.name, group.description, group.version) == ("Riverside group", "Changed", 2)
    blank = client.post(f"/groups/{group.pk}/edit", {"name": "", "version": 2})
    assert "Enter a name for the group" in blank.content.decode()


def test_add_members_through_the_person_search(setting: dict[str, Any], organisations: Any) -> None:
    worker, police, group = setting["worker"], setting["police"], setting["group"]
    new = f.person(worker, "Casey", "Brennan")
    police_only = f.person(police, "Robin", "Brennan")
    client = client_for(worker)
    with_purposes(client, {"group": group.pk})
    page = client.get(f"/groups/{group.pk}/", {"q": "Brennan"}).content.decode()
    assert "Casey Brennan" in page and "Robin Brennan" not in page  # only people they may see
    assert "In the group" in page  # Tyler Brennan is already a member
    assert AuditEvent.objects.filter(action="person.searched").exists()
    added = client.post(f"/groups/{group.pk}/members/add", {"person": new.pk})
    assert added.status_code == 302
    assert group.members.filter(pk=new.pk).exists()
    again = client.post(f"/groups/{group.pk}/members/add", {"person": new.pk})
    body = again.content.decode()
    assert again.status_code == 400 and "govuk-error-summary" in body
    assert "Casey Brennan is already in this group" in body
    # a person they may not see: 404, nothing added
    hidden = client.post(f"/groups/{group.pk}/members/add", {"person": police_only.pk})
    assert hidden.status_code == 404
    assert not group.members.filter(pk=police_only.pk).exists()
    empty = client.post(f"/groups/{group.pk}/members/add", {})
    assert empty.status_code == 400 and "Choose a person to add" in empty.content.decode()


def test_take_a_member_out(setting: dict[str, Any]) -> None:
    worker, group = setting["worker"], setting["group"]
    client = client_for(worker)
    with_purposes(client, {"group": group.pk})
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert f"/groups/{group.pk}/members/{setting['seen'].pk}/remove" in page
    assert f"/members/{setting['hidden'].pk}/remove" not in page
    assert client.get(f"/groups/{group.pk}/members/{setting['seen'].pk}/remove").status_code == 405
    response = client.post(f"/groups/{group.pk}/members/{setting['seen'].pk}/remove")
    assert response.status_code == 302
    assert not group.members.filter(pk=setting["seen"].pk).exists()
    # the hidden member stays: the council cannot see, so cannot take out, them
    hidden = client.post(f"/groups/{group.pk}/members/{setting['hidden'].pk}/remove")
    assert hidden.status_code == 404 and group.members.filter(pk=setting["hidden"].pk).exists()


def test_a_shared_group_is_read_only_without_contribute_access(
    setting: dict[str, Any], organisations: Any
) -> None:
    theirs, police = setting["theirs"], setting["police"]
    f.share("group", theirs.pk, police, organisations["own"])
    client = client_for(setting["worker"])
    with_purposes(client, {"group": theirs.pk})
    page = client.get(f"/groups/{theirs.pk}/").content.decode()
    assert "Police operation group" in page
    assert "Change name and description" not in page and "Add a member" not in page
    assert client.get(f"/groups/{theirs.pk}/edit").status_code == 404


def test_person_page_and_search_link_to_groups(setting: dict[str, Any]) -> None:
    worker, seen, group = setting["worker"], setting["seen"], setting["group"]
    client = client_for(worker)
    with_purposes(client, {"person": seen.pk})
    page = client.get(f"/people/{seen.pk}/").content.decode()
    assert f'href="/groups/{group.pk}/"' in page and "Riverside Park youths" in page
    assert f'href="/people/{seen.pk}/groups/add"' in page
    # the police see the person's page (shared) but not the council's group
    police = client_for(setting["police"])
    f.share("person", seen.pk, worker, setting["police"].organisation)
    with_purposes(police, {"person": seen.pk})
    theirs = police.get(f"/people/{seen.pk}/").content.decode()
    assert "Riverside Park youths" not in theirs and "Not in any group you can see" in theirs
    found = client.get("/search/", {"q": "riverside", "kind": "groups"}).content.decode()
    assert f'href="/groups/{group.pk}/"' in found
    assert (
        "Police operation group"
        not in client.get("/search/", {"q": "group", "kind": "groups"}).content.decode()
    )


def test_add_a_person_to_a_group_from_their_page(setting: dict[str, Any]) -> None:
    worker = setting["worker"]
    other_group = people_services.group_create(actor=worker.user, name="Town centre group")
    person = f.person(worker, "Sam", "Okafor")
    client = client_for(worker)
    with_purposes(client, {"person": person.pk})
    page = client.get(f"/people/{person.pk}/groups/add").content.decode()
    assert "Town centre group" in page and "Riverside Park youths" in page
    assert "Police operation group" not in page
    missing = client.post(f"/people/{person.pk}/groups/add", {})
    assert "Select the group to add the person to" in missing.content.decode()
    probing = client.post(f"/people/{person.pk}/groups/add", {"group": setting["theirs"].pk})
    assert "Select one of the groups listed" in probing.content.decode()
    done = client.post(f"/people/{person.pk}/groups/add", {"group": other_group.pk})
    assert done.status_code == 302 and other_group.members.filter(pk=person.pk).exists()
