"""The governance links a record page shows: each only to members who may use the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from tests.cases.test_views import client_for, with_purposes
from tests.sharing import records

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load governance_links %}{% governance_links 'person' person %}")


def links(user: Any, person: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return TEMPLATE.render(Context({"request": request, "person": person}))


def test_links_follow_the_member_s_capabilities(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    manager = make_member(Role.TEAM_MANAGER)
    other_manager = make_member(Role.TEAM_MANAGER, "other")
    analyst = make_member(Role.ANALYST)
    jo = records.person(worker)
    html = links(worker.user, jo)
    assert "Share or see who" in html
    assert "Who has viewed" not in html and "Subject access" not in html
    html = links(manager.user, jo)
    assert "Share or see who" in html and "Who has viewed" in html and "Subject access" in html
    html = links(other_manager.user, jo)
    assert "Who this is shared with" in html and "Who has viewed" not in html
    assert links(analyst.user, jo).strip() == ""


@pytest.mark.parametrize("record_type", ["incident", "place", "group"])
def test_incident_place_and_group_pages_link_to_their_shares(
    record_type: str, make_member: Any
) -> None:
    worker = make_member(Role.CASEWORKER)
    other = make_member(Role.CASEWORKER, "other")
    if record_type == "incident":
        record: Any = records.incident(worker)
    elif record_type == "place":
        record = records.place(worker)
    else:
        record = people_services.group_create(actor=worker.user, name="Bandstand group")
    url = f"/{record_type}s/{record.pk}/"
    shares = f'href="/sharing/{record_type}/{record.pk}/"'
    owner = client_for(worker)
    with_purposes(owner, {record_type: record.pk})
    page = owner.get(url).content.decode()
    assert "Share or see who this is shared with" in page and shares in page
    # another organisation's member neither sees the page nor its sharing link
    stranger = client_for(other)
    with_purposes(stranger, {record_type: record.pk})
    assert stranger.get(url).status_code == 404
