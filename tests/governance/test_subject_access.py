"""Subject access export: everything the organisation holds about the person, nothing the
other organisation holds (even when shared), audited as a disclosure with its purpose."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.governance import rendering, services
from saferhub.organisations.rules import Role
from saferhub.sharing.models import RecordShare
from tests.sharing import records

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world(make_member: Any, organisations: dict[str, Any]) -> dict[str, Any]:
    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    jo = records.person(
        worker, "Jo", "Marsh", phone="07700 900123", safe_contact_instructions="Text only"
    )
    records.alias(jo, "Jojo", "Marsh")
    neighbour = records.person(worker, "Pat", "Lyle")
    ours = records.incident(
        worker,
        people=[(jo, "victim"), (neighbour, "perpetrator")],
        narrative="Shouting at the door at night",
        reference="BDC-1",
    )
    theirs = records.incident(
        police, people=[(jo, "victim")], narrative="POLICE ONLY NARRATIVE", reference="LP-9"
    )
    # Shared with us, but still the police's record: never in our export.
    RecordShare.objects.create(
        record_type="incident",
        record_id=theirs.pk,
        owner_organisation=police.organisation,
        organisation=worker.organisation,
        legal_basis="cda_1998_s115",
        reason="Joint case",
        granted_by=police.user,
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    case = records.case(
        worker, people=[(jo, "victim"), (neighbour, "perpetrator")], incidents=[ours]
    )
    records.note(case, worker, "Visited Jo; she is frightened")
    records.action(case, worker, "Fit a door camera", TODAY)
    records.review(case, TODAY, notes="Risk reducing")
    police_case = records.case(police, people=[(jo, "victim")], title="POLICE CASE TITLE")
    return {"manager": manager, "jo": jo, "case": case, "police_case": police_case}


def test_the_export_holds_every_record_the_organisation_owns_about_the_person(
    world: dict[str, Any],
) -> None:
    export = services.subject_access_export(
        actor=world["manager"].user,
        person=world["jo"],
        purpose="SAR-0412 received 3 March",
        export_format="json",
    )
    data = export.as_json_data()
    text = json.dumps(data)
    person = data["sections"]["person"]["records"]
    assert person[0]["Given name"] == "Jo"
    assert person[0]["Phone"] == "07700 900123"
    assert person[0]["Safe contact instructions"] == "Text only"
    assert person[0]["Other names"] == [{"Kind": "Alias", "Name": "Jojo Marsh"}]
    incidents = data["sections"]["incidents"]["records"]
    assert [i["Reference"] for i in incidents] == ["BDC-1"]
    assert incidents[0]["Their part"] == "Victim"
    assert incidents[0]["Other people involved"] == "1"
    cases = data["sections"]["cases"]["records"]
    assert len(cases) == 1
    assert cases[0]["Notes"][0]["Note"] == "Visited Jo; she is frightened"
    assert cases[0]["Actions"][0]["Action"] == "Fit a door camera"
    assert cases[0]["Reviews"][0]["Notes"] == "Risk reducing"
    # Nothing the police own, nothing about the other person by name.
    for secret in ("POLICE ONLY NARRATIVE", "LP-9", "POLICE CASE TITLE", "Lyle"):
        assert secret not in text
    event = AuditEvent.objects.get(action="person.subject_access_exported")
    assert event.operation == "disclosure"
    assert event.purpose == "SAR-0412 received 3 March"
    assert event.subject_id == str(world["jo"].pk)
    assert event.payload == {
        "format": "json",
        "person": 1,
        "incidents": 1,
        "cases": 1,
        "assessments": 0,
        "referrals": 0,
        "marac": 0,
    }


def test_every_format_renders_the_same_content(world: dict[str, Any]) -> None:
    export = services.subject_access_export(
        actor=world["manager"].user, person=world["jo"], purpose="SAR", export_format="pdf"
    )
    assert json.loads(rendering.render_json(export))["person_id"] == world["jo"].pk
    html = rendering.render_document(export)
    assert "Visited Jo; she is frightened" in html and "POLICE" not in html
    assert rendering.render_pdf(export).startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.MARAC_COORDINATOR])
def test_only_members_who_may_export_personal_records(
    world: dict[str, Any], make_member: Any, role: Role
) -> None:
    actor = make_member(role)
    with pytest.raises(PermissionDenied):
        services.subject_access_export(
            actor=actor.user, person=world["jo"], purpose="SAR", export_format="json"
        )
    assert not AuditEvent.objects.filter(action="person.subject_access_exported").exists()


def test_a_purpose_and_a_known_format_are_required(world: dict[str, Any]) -> None:
    for purpose, export_format in (("  ", "json"), ("SAR", "docx")):
        with pytest.raises(ValidationError):
            services.subject_access_export(
                actor=world["manager"].user,
                person=world["jo"],
                purpose=purpose,
                export_format=export_format,
            )
    assert not AuditEvent.objects.filter(action="person.subject_access_exported").exists()
