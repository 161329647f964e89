"""Record pages offer only the actions the member may use. For each action link or button on
the case, person, incident, risk and MARAC pages: a member who can see the page but not use
the action does not see it (and the action itself refuses them), and a member who can, does.

"Cannot use" comes from the shipped rules: a record shared with the member's organisation
to view only, or to contribute but not to change the case itself; another agency's MARAC
action; a caseworker who may not decide merges. Every shipped role that sees personal
records may also change them, so for the actions gated by that capability alone (open a
case, record an incident, refer, research) the role table is changed as a deployment would
change it (ROLE_CAPABILITIES), making caseworkers read-only.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from saferhub.cases import services as case_services
from saferhub.cases.models import CaseReview
from saferhub.marac import services as marac_services
from saferhub.organisations import rules as org_rules
from saferhub.organisations.rules import Capability, Role
from saferhub.people import services as people_services
from saferhub.risk import services as risk_services
from saferhub.sharing.models import AccessLevel
from tests.cases import factories as f
from tests.cases.test_views import client_for, with_purposes
from tests.risk.factories import da_case, dash_answers

pytestmark = pytest.mark.django_db


def links(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def has_link(page: str, href: str) -> bool:
    return f'href="{href}"' in page


@pytest.fixture
def read_only_caseworkers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment whose caseworkers may see personal records but not change them."""
    monkeypatch.setitem(
        org_rules.ROLE_CAPABILITIES,
        Role.CASEWORKER,
        frozenset({Capability.VIEW_PERSONAL_RECORDS, Capability.VIEW_RISK_DETAIL}),
    )


# --- person page -----------------------------------------------------------------------------


def test_person_links_follow_the_record_access(make_member: Any, organisations: Any) -> None:
    owner = make_member(Role.CASEWORKER, "other")
    viewer = make_member(Role.CASEWORKER, "own")
    person = f.person(owner, "Nia", "Hartley")
    client = client_for(viewer)
    with_purposes(client, {"person": person.pk})
    edit = f"/people/{person.pk}/edit"
    name = f"/people/{person.pk}/names/new"
    merge = f"/people/{person.pk}/merge"
    # shared to view: they may open a case, refer and check the trigger, not change it
    f.share("person", person.pk, owner, organisations["own"])
    page = links(client, f"/people/{person.pk}/")
    assert has_link(page, f"/cases/new?person={person.pk}")
    assert has_link(page, f"/referrals/new?person={person.pk}")
    assert has_link(page, f"/risk/people/{person.pk}/community-trigger")
    for href in (edit, name, merge):
        assert not has_link(page, href), href
        assert client.get(href).status_code == 404, href
    # shared to contribute: they may change details, but merging is for the owner only
    f.share("person", person.pk, owner, organisations["own"], level=AccessLevel.CONTRIBUTE)
    page = links(client, f"/people/{person.pk}/")
    assert has_link(page, edit) and has_link(page, name)
    assert not has_link(page, merge)
    assert client.get(merge).status_code == 403
    assert client.get(edit).status_code == 200
    # the owner's caseworker sees all three
    mine = client_for(owner)
    with_purposes(mine, {"person": person.pk})
    page = links(mine, f"/people/{person.pk}/")
    assert has_link(page, edit) and has_link(page, name) and has_link(page, merge)


def test_merge_decision_link_only_for_supervisors(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    manager = make_member(Role.TEAM_MANAGER, "own")
    survivor, duplicate = f.person(worker, "Ola", "Banks"), f.person(worker, "Ola", "Bankes")
    proposal = people_services.merge_propose(
        actor=worker.user, survivor=survivor, duplicate=duplicate, reason="Same date of birth"
    )
    decide = f"/people/merges/{proposal.pk}/"
    caseworker = client_for(worker)
    with_purposes(caseworker, {"person": survivor.pk})
    page = links(caseworker, f"/people/{survivor.pk}/")
    assert "A merge is waiting for approval" in page and not has_link(page, decide)
    assert caseworker.get(decide).status_code == 403
    supervisor = client_for(manager)
    with_purposes(supervisor, {"person": survivor.pk})
    assert has_link(links(supervisor, f"/people/{survivor.pk}/"), decide)


def test_read_only_members_are_not_offered_changes(
    make_member: Any, read_only_caseworkers: None
) -> None:
    writer = make_member(Role.TEAM_MANAGER, "own")
    reader = make_member(Role.CASEWORKER, "own")
    person = f.person(writer, "Rae", "Quinlan")
    case = f.case(writer, [(person, "victim")])
    incident = f.incident(writer, [(person, "victim")])
    client = client_for(reader)
    with_purposes(client, {"person": person.pk, "case": case.pk, "incident": incident.pk})
    page = links(client, f"/people/{person.pk}/")
    hidden = {
        f"/cases/new?person={person.pk}": "/cases/new",
        f"/referrals/new?person={person.pk}": f"/referrals/new?person={person.pk}",
        f"/people/{person.pk}/groups/add": f"/people/{person.pk}/groups/add",
        f"/people/{person.pk}/edit": f"/people/{person.pk}/edit",
    }
    for href, target in hidden.items():
        assert not has_link(page, href), href
        assert client.get(target).status_code in (403, 404), target
    assert has_link(page, f"/risk/people/{person.pk}/community-trigger")  # reading only
    mine = links(client, "/cases/")
    assert not has_link(mine, "/incidents/new") and not has_link(mine, "/cases/new")
    assert client.get("/incidents/new").status_code == 403
    summary = links(client, f"/cases/{case.pk}/")
    assert not has_link(summary, f"/risk/cases/{case.pk}/dash/new")
    assert not has_link(summary, f"/cases/{case.pk}/edit")
    assert has_link(summary, f"/risk/cases/{case.pk}/")
    assert not has_link(
        links(client, f"/incidents/{incident.pk}/"), f"/incidents/{incident.pk}/people/new"
    )
    # a member who may change records sees them all
    writer_client = client_for(writer)
    with_purposes(writer_client, {"person": person.pk})
    page = links(writer_client, f"/people/{person.pk}/")
    for href in hidden:
        assert has_link(page, href), href
    mine = links(writer_client, "/cases/")
    assert has_link(mine, "/incidents/new") and has_link(mine, "/cases/new")


# --- case pages ------------------------------------------------------------------------------


@pytest.fixture
def shared_case(make_member: Any, organisations: Any) -> dict[str, Any]:
    lead = make_member(Role.CASEWORKER, "other")
    person = f.person(lead, "Eli", "Marsh")
    case = f.case(lead, [(person, "victim")], title="Shared ASB case")
    return {"lead": lead, "case": case, "person": person}


def change_links(case_id: int) -> list[str]:
    return [f"/cases/{case_id}/edit", f"/cases/{case_id}/close", f"/cases/{case_id}/status"]


def contribute_links(case_id: int) -> list[str]:
    return [
        f"/risk/cases/{case_id}/dash/new",
        f"/risk/cases/{case_id}/asb/new",
        f"/marac/referrals/new?case={case_id}",
    ]


def test_case_links_for_view_contribute_and_lead(
    make_member: Any, organisations: Any, shared_case: dict[str, Any]
) -> None:
    lead, case = shared_case["lead"], shared_case["case"]
    viewer = make_member(Role.CASEWORKER, "own")
    client = client_for(viewer)
    with_purposes(client, {"case": case.pk})
    # shared to view: the risk assessments list only
    f.share("case", case.pk, lead, organisations["own"])
    page = links(client, f"/cases/{case.pk}/")
    assert has_link(page, f"/risk/cases/{case.pk}/")
    for href in contribute_links(case.pk) + change_links(case.pk):
        assert not has_link(page, href), href
    assert client.get(f"/risk/cases/{case.pk}/dash/new").status_code == 404
    assessments = links(client, f"/risk/cases/{case.pk}/")
    assert not has_link(assessments, f"/risk/cases/{case.pk}/dash/new")
    # shared to contribute: assessments and MARAC referral, but not changing the case
    f.share("case", case.pk, lead, organisations["own"], level=AccessLevel.CONTRIBUTE)
    page = links(client, f"/cases/{case.pk}/")
    for href in contribute_links(case.pk):
        assert has_link(page.replace("&amp;", "&"), href), href
    for href in change_links(case.pk):
        assert not has_link(page, href), href
        assert client.get(href).status_code == 403, href
    assert has_link(links(client, f"/risk/cases/{case.pk}/"), f"/risk/cases/{case.pk}/dash/new")
    # the lead organisation: everything
    lead_client = client_for(lead)
    with_purposes(lead_client, {"case": case.pk})
    page = links(lead_client, f"/cases/{case.pk}/")
    for href in contribute_links(case.pk) + change_links(case.pk):
        assert has_link(page, href), href


def test_record_a_review_only_for_the_lead_organisation(
    make_member: Any, organisations: Any, shared_case: dict[str, Any]
) -> None:
    lead, case = shared_case["lead"], shared_case["case"]
    review = CaseReview.objects.filter(case=case, completed_at__isnull=True).first()
    assert review is not None
    href = f"/cases/{case.pk}/reviews/{review.pk}/"
    viewer = make_member(Role.CASEWORKER, "own")
    f.share("case", case.pk, lead, organisations["own"], level=AccessLevel.CONTRIBUTE)
    client = client_for(viewer)
    with_purposes(client, {"case": case.pk})
    assert not has_link(links(client, f"/cases/{case.pk}/reviews"), href)
    assert client.get(href).status_code == 403
    lead_client = client_for(lead)
    with_purposes(lead_client, {"case": case.pk})
    assert has_link(links(lead_client, f"/cases/{case.pk}/reviews"), href)


def test_mark_as_done_only_for_the_actions_own_organisation(
    make_member: Any, organisations: Any, shared_case: dict[str, Any]
) -> None:
    lead, case = shared_case["lead"], shared_case["case"]
    helper = make_member(Role.CASEWORKER, "own")
    f.share("case", case.pk, lead, organisations["own"], level=AccessLevel.CONTRIBUTE)
    due = timezone.localdate()
    theirs = case_services.case_add_action(
        actor=lead.user, case=case, description="Police visit", due_on=due
    )
    ours = case_services.case_add_action(
        actor=helper.user, case=case, description="Council letter", due_on=due
    )
    client = client_for(helper)
    with_purposes(client, {"case": case.pk})
    page = links(client, f"/cases/{case.pk}/actions")
    assert f"/cases/{case.pk}/actions/{ours.pk}/done" in page
    assert f"/cases/{case.pk}/actions/{theirs.pk}/done" not in page
    assert client.post(f"/cases/{case.pk}/actions/{theirs.pk}/done").status_code == 403
    lead_client = client_for(lead)
    with_purposes(lead_client, {"case": case.pk})
    page = links(lead_client, f"/cases/{case.pk}/actions")
    assert f"/cases/{case.pk}/actions/{theirs.pk}/done" in page
    assert f"/cases/{case.pk}/actions/{ours.pk}/done" not in page


# --- incident page ---------------------------------------------------------------------------


def test_add_a_person_only_for_the_recording_organisation(
    make_member: Any, organisations: Any
) -> None:
    owner = make_member(Role.CASEWORKER, "other")
    person = f.person(owner, "Ida", "Crane")
    incident = f.incident(owner, [(person, "victim")])
    href = f"/incidents/{incident.pk}/people/new"
    viewer = make_member(Role.CASEWORKER, "own")
    f.share("incident", incident.pk, owner, organisations["own"], level=AccessLevel.CONTRIBUTE)
    client = client_for(viewer)
    with_purposes(client, {"incident": incident.pk})
    assert not has_link(links(client, f"/incidents/{incident.pk}/"), href)
    assert client.get(href).status_code == 403
    mine = client_for(owner)
    with_purposes(mine, {"incident": incident.pk})
    assert has_link(links(mine, f"/incidents/{incident.pk}/"), href)


# --- risk assessment page ----------------------------------------------------------------------


def test_assessment_proposals_link_only_for_members_who_may_refer(
    make_member: Any, organisations: Any
) -> None:
    lead = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(lead)
    assessment = risk_services.assessment_create(
        actor=lead.user,
        case=da,
        person=victim,
        kind="dash",
        answers=dash_answers(15),
        children_in_household=2,
    )
    marac = f"/marac/referrals/new?assessment={assessment.pk}"
    viewer = make_member(Role.CASEWORKER, "own")
    f.share("case", da.pk, lead, organisations["own"])
    client = client_for(viewer)
    with_purposes(client, {"case": da.pk})
    page = links(client, f"/risk/assessments/{assessment.pk}/")
    assert "Refer to MARAC" in page and not has_link(page, marac)
    assert client.get(marac).status_code == 404
    assert "/referrals/new?person=" in page  # sending a referral needs only to see the person
    lead_client = client_for(lead)
    with_purposes(lead_client, {"case": da.pk})
    page = links(lead_client, f"/risk/assessments/{assessment.pk}/")
    assert has_link(page, marac) and "/referrals/new?person=" in page


def test_assessment_referral_link_hidden_from_read_only_members(
    make_member: Any, read_only_caseworkers: None
) -> None:
    lead = make_member(Role.TEAM_MANAGER, "own")
    da, victim, *_ = da_case(lead)
    assessment = risk_services.assessment_create(
        actor=lead.user,
        case=da,
        person=victim,
        kind="dash",
        answers=dash_answers(3),
        children_in_household=1,
    )
    reader = client_for(make_member(Role.CASEWORKER, "own"))
    with_purposes(reader, {"case": da.pk})
    page = links(reader, f"/risk/assessments/{assessment.pk}/")
    assert "children&#x27;s social care" in page or "children's social care" in page
    assert "/referrals/new?person=" not in page


# --- MARAC meeting -----------------------------------------------------------------------------


@pytest.fixture
def meeting(make_member: Any) -> dict[str, Any]:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "own")
    police = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    referral = marac_services.referral_create(
        actor=worker.user,
        case=da,
        victim=victim,
        partnership=da.owner_organisation.partnerships.get(),
        criterion="visible_high_risk",
        reasons="High risk on DASH",
        referred_on=timezone.localdate(),
    )
    held = marac_services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=timezone.localdate()
    )
    item, _ = marac_services.agenda_add(actor=coordinator.user, meeting=held, referral=referral)
    council = marac_services.action_add(
        actor=coordinator.user,
        item=item,
        organisation=worker.organisation,
        description="Council housing check",
        due_on=timezone.localdate(),
    )
    police_action = marac_services.action_add(
        actor=coordinator.user,
        item=item,
        organisation=police.organisation,
        description="Police welfare visit",
        due_on=timezone.localdate(),
    )
    return {
        "meeting": held,
        "item": item,
        "worker": worker,
        "coordinator": coordinator,
        "police": police,
        "council_action": council,
        "police_action": police_action,
    }


def done_buttons(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'action="/marac/actions/(\d+)/complete"', page)}


def test_marac_mark_as_done_only_for_the_agency_or_the_coordinator(
    meeting: dict[str, Any],
) -> None:
    held = meeting["meeting"]
    police = client_for(meeting["police"])
    with_purposes(police, {"marac_meeting": held.pk})
    page = links(police, f"/marac/meetings/{held.pk}/")
    assert done_buttons(page) == {meeting["police_action"].pk}
    assert police.post(f"/marac/actions/{meeting['council_action'].pk}/complete").status_code == 404
    coordinator = client_for(meeting["coordinator"])
    with_purposes(coordinator, {"marac_meeting": held.pk})
    page = links(coordinator, f"/marac/meetings/{held.pk}/")
    assert done_buttons(page) == {meeting["police_action"].pk, meeting["council_action"].pk}


def test_marac_research_only_for_members_who_may_add_it(
    meeting: dict[str, Any], read_only_caseworkers: None
) -> None:
    held, item = meeting["meeting"], meeting["item"]
    research = f"/marac/items/{item.pk}/research"
    reader = client_for(meeting["worker"])  # a read-only caseworker in this deployment
    with_purposes(reader, {"marac_meeting": held.pk})
    page = links(reader, f"/marac/meetings/{held.pk}/")
    assert research not in page and "Add your organisation's research" not in page
    assert done_buttons(page) == set()
    coordinator = client_for(meeting["coordinator"])
    with_purposes(coordinator, {"marac_meeting": held.pk})
    assert research in links(coordinator, f"/marac/meetings/{held.pk}/")
