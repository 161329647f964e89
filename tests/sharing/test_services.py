"""Sharing services: state, audit events and refusals; a case share cascades to the linked
records its organisation owns, and revoking it revokes them too; derived shares name their
origin and end with it, and never take away access another origin gives."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.access import cases_visible_to
from saferhub.incidents.access import incidents_visible_to
from saferhub.organisations import services as org_services
from saferhub.organisations.models import Organisation
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.places.access import places_visible_to
from saferhub.sharing import services
from saferhub.sharing.models import RecordShare
from saferhub.sharing.registry import access_record
from tests.sharing import records

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY + datetime.timedelta(days=365)


def share(actor: Any, record_type: str, record_id: int, to: Organisation, **kw: Any) -> Any:
    record = access_record(actor.user, record_type, record_id)
    options = {
        "access_level": "view",
        "legal_basis": "cda_1998_s115",
        "reason": "Joint ASB case",
        "expires_on": YEAR,
    }
    options.update(kw)
    return services.record_share(actor=actor.user, record=record, organisation=to, **options)


def test_sharing_a_person_lets_the_other_organisation_see_it_and_is_audited(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    viewer = make_member(Role.CASEWORKER, "other")
    alex = records.person(owner)
    assert alex not in people_visible_to(viewer.user)
    result = share(owner, "person", alex.pk, organisations["other"])
    assert alex in people_visible_to(viewer.user)
    assert result.share.granted_by == owner.user
    event = AuditEvent.objects.get(action="record.shared")
    assert event.operation == "disclosure"
    assert event.subject_id == str(alex.pk)
    assert event.record_owner_organisation_id == organisations["own"].pk
    assert event.purpose == "Joint ASB case"
    assert event.payload["organisation_id"] == organisations["other"].pk
    assert event.payload["legal_basis"] == "cda_1998_s115"


def test_a_case_share_cascades_to_linked_records_the_owner_owns_in_one_transaction(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    foreign = make_member(Role.CASEWORKER, "other")
    viewer = make_member(Role.CASEWORKER, "other")
    victim = records.person(owner, "Jo", "Marsh")
    theirs = records.person(foreign, "Sam", "Ode")  # the other organisation's own person
    park = records.place(owner)
    incident = records.incident(owner, people=[(victim, "victim")], place=park)
    case = records.case(
        owner,
        people=[(victim, "victim"), (theirs, "perpetrator")],
        incidents=[incident],
        places=[park],
    )
    result = share(owner, "case", case.pk, organisations["other"], access_level="contribute")
    assert {(s.record_type, s.record_id) for s in result.cascaded} == {
        ("person", victim.pk),
        ("incident", incident.pk),
        ("place", park.pk),
    }
    assert result.not_owned == 1
    assert all(s.cascaded_from == result.share for s in result.cascaded)
    assert case in cases_visible_to(viewer.user)
    assert victim in people_visible_to(viewer.user)
    assert incident in incidents_visible_to(viewer.user)
    assert park in places_visible_to(viewer.user)
    assert AuditEvent.objects.filter(action="record.shared").count() == 4
    # Sharing again gives the new case share its own linked shares, so ending the first
    # case share does not take away what the second still gives.
    again = share(owner, "case", case.pk, organisations["other"], access_level="view")
    assert len(again.cascaded) == 3
    assert all(s.cascaded_from == again.share for s in again.cascaded)
    services.share_revoke(actor=owner.user, share=result.share, reason="Replaced")
    assert victim in people_visible_to(viewer.user)
    assert incident in incidents_visible_to(viewer.user)
    assert park in places_visible_to(viewer.user)


def test_revoking_a_case_share_revokes_its_cascade_and_is_audited(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    viewer = make_member(Role.CASEWORKER, "other")
    victim = records.person(owner)
    case = records.case(owner, people=[(victim, "victim")])
    result = share(owner, "case", case.pk, organisations["other"])
    revoked = services.share_revoke(actor=owner.user, share=result.share, reason="Case closed")
    assert len(revoked) == 2
    assert case not in cases_visible_to(viewer.user)
    assert victim not in people_visible_to(viewer.user)
    events = AuditEvent.objects.filter(action="record.share_revoked")
    assert events.count() == 2
    assert {e.operation for e in events} == {"disclosure"}
    assert events.get(target_type="person").subject_id == str(victim.pk)
    with pytest.raises(ValidationError):
        services.share_revoke(actor=owner.user, share=result.share)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"legal_basis": "gut_feeling"}, "legal_basis"),
        ({"access_level": "everything"}, "access_level"),
        ({"expires_on": TODAY}, "expires_on"),
        ({"expires_on": TODAY + datetime.timedelta(days=3 * 365 + 1)}, "expires_on"),
    ],
)
def test_invalid_shares_are_refused_and_nothing_is_saved(
    make_member: Any, organisations: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    owner = make_member(Role.CASEWORKER)
    alex = records.person(owner)
    with pytest.raises(ValidationError) as error:
        share(owner, "person", alex.pk, organisations["other"], **changes)
    assert field in error.value.message_dict
    assert not RecordShare.objects.exists()
    assert not AuditEvent.objects.filter(action="record.shared").exists()


def test_only_organisations_of_the_partnership_other_than_the_owner(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    alex = records.person(owner)
    outsider = org_services.organisation_create(
        actor=None,
        name="Elsewhere Council",
        kind=Organisation.Kind.DISTRICT_COUNCIL,
        partnerships=[],
    )
    for to in (organisations["own"], outsider):
        with pytest.raises(ValidationError) as error:
            share(owner, "person", alex.pk, to)
        assert "organisation" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BOARD_MEMBER, Role.PARTNERSHIP_ADMINISTRATOR])
def test_roles_without_the_share_capability_cannot_share(
    make_member: Any, organisations: dict[str, Any], role: Role
) -> None:
    owner = make_member(Role.CASEWORKER)
    actor = make_member(role)
    alex = records.person(owner)
    record = access_record(owner.user, "person", alex.pk)
    with pytest.raises(PermissionDenied):
        services.record_share(
            actor=actor.user,
            record=record,
            organisation=organisations["other"],
            access_level="view",
            legal_basis="consent",
            reason="x",
            expires_on=YEAR,
        )


def test_a_receiving_organisation_cannot_reshare_or_revoke(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    receiver = make_member(Role.TEAM_MANAGER, "other")
    alex = records.person(owner)
    result = share(owner, "person", alex.pk, organisations["other"])
    with pytest.raises(PermissionDenied):
        share(receiver, "person", alex.pk, organisations["own"])
    with pytest.raises(PermissionDenied):
        services.share_revoke(actor=receiver.user, share=result.share)


def derived(owner: Any, to: Organisation, origin_id: int, *records: Any) -> list[RecordShare]:
    return services.derived_shares_grant(
        actor=owner.user,
        origin_type="referral",
        origin_id=origin_id,
        owner_organisation_id=owner.organisation_id,
        organisation=to,
        records=[services.DerivedRecord(t, r.pk, s) for t, r, s in records],
        legal_basis="cda_1998_s115",
        reason="Referral to victim support",
        expires_on=YEAR,
        payload={"referral_id": origin_id},
    )


def test_derived_shares_name_their_origin_and_the_case_share_is_their_parent(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    viewer = make_member(Role.CASEWORKER, "other")
    victim = records.person(owner)
    case = records.case(owner, people=[(victim, "victim")])
    shares = derived(
        owner, organisations["other"], 7, ("person", victim, victim.pk), ("case", case, victim.pk)
    )
    assert [s.record_type for s in shares] == ["case", "person"]
    assert {(s.origin_type, s.origin_id) for s in shares} == {("referral", 7)}
    assert shares[1].cascaded_from == shares[0]
    assert victim in people_visible_to(viewer.user)
    event = AuditEvent.objects.get(action="record.shared", target_type="person")
    assert event.payload["origin"] == "referral:7"
    assert event.payload["referral_id"] == 7
    assert event.subject_id == str(victim.pk)
    with pytest.raises(ValueError):
        derived(owner, organisations["own"], 8, ("person", victim, victim.pk))


def test_revoking_by_origin_ends_only_that_origins_shares_and_is_audited(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    owner = make_member(Role.CASEWORKER)
    viewer = make_member(Role.CASEWORKER, "other")
    victim = records.person(owner)
    other = records.person(owner, "Sam", "Ode")
    derived(owner, organisations["other"], 1, ("person", victim, victim.pk))
    derived(owner, organisations["other"], 2, ("person", victim, victim.pk))
    derived(owner, organisations["other"], 3, ("person", other, other.pk))
    revoked = services.derived_shares_revoke(
        actor=owner.user, origin_type="referral", origin_id=1, reason="Referral withdrawn"
    )
    assert [(s.origin_id, s.revoked_by) for s in revoked] == [(1, owner.user)]
    # origin 2 still shares the same person: access continues through it
    assert victim in people_visible_to(viewer.user)
    event = AuditEvent.objects.get(action="record.share_revoked")
    assert (event.operation, event.purpose, event.subject_id) == (
        "disclosure",
        "Referral withdrawn",
        str(victim.pk),
    )
    assert event.payload["origin"] == "referral:1"
    services.derived_shares_revoke(
        actor=owner.user, origin_type="referral", origin_id=2, reason="Referral declined"
    )
    assert victim not in people_visible_to(viewer.user)
    assert other in people_visible_to(viewer.user)
    # nothing left in force for origin 1: revoking again changes and audits nothing
    assert (
        services.derived_shares_revoke(
            actor=owner.user, origin_type="referral", origin_id=1, reason="Again"
        )
        == []
    )
    assert AuditEvent.objects.filter(action="record.share_revoked").count() == 2
