"""Referral services: sending shares only records the sender's organisation owns, consent
overrides need reasons, decisions happen once with locking, everything audited."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.referrals import services
from saferhub.referrals.access import referrals_visible_to
from saferhub.referrals.models import Referral
from saferhub.sharing.models import RecordShare
from tests.risk.factories import da_case, person

pytestmark = pytest.mark.django_db


def test_send_shares_the_person_and_case_and_audits(make_member: Any, organisations: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    fire = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    referral = services.referral_send(
        actor=worker.user,
        person=victim,
        case=da,
        to_organisation=organisations["other"],
        service="fire_home_safety",
        details="Home fire safety check",
        consent="given",
    )
    assert referral.status == "sent" and referral.consent_override_reason == ""
    shares = RecordShare.objects.filter(organisation=organisations["other"])
    assert {s.record_type for s in shares} == {"person", "case"}
    assert {s.legal_basis for s in shares} == {"consent"}
    assert victim in people_visible_to(fire.user)
    assert referral in referrals_visible_to(fire.user)
    sent = AuditEvent.objects.get(action="referral.sent")
    assert sent.operation == "disclosure" and sent.subject_id == str(victim.pk)
    assert AuditEvent.objects.filter(action="record.shared").count() == 2


def test_another_owners_record_is_not_reshared(
    make_member: Any, organisations: Any, partnership: Any
) -> None:
    from saferhub.organisations import services as org_services
    from saferhub.organisations.models import Organisation

    third = org_services.organisation_create(
        actor=None,
        name="Testshire Recovery Service",
        kind=Organisation.Kind.VOLUNTARY_SECTOR,
        partnerships=[partnership],
    )
    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    theirs = person(police, "Kit", "Arden")
    services.referral_send(
        actor=worker.user,
        person=theirs,
        to_organisation=third,
        service="substance_misuse",
        details="Alcohol support",
        consent="refused_overridden",
        consent_override_reason="Risk to children",
    )
    assert not RecordShare.objects.exists()


def test_send_errors(make_member: Any, organisations: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    da, victim, *_ = da_case(worker)
    other_person = person(worker, "Jo", "Vale")
    with pytest.raises(ValidationError) as raised:
        services.referral_send(
            actor=worker.user,
            person=other_person,
            case=da,
            to_organisation=organisations["own"],
            service="astrology",
            details=" ",
            consent="not_sought",
        )
    assert set(raised.value.message_dict) == {
        "to_organisation",
        "service",
        "details",
        "consent_override_reason",
        "case",
    }
    analyst = make_member(Role.ANALYST, "own")
    with pytest.raises(PermissionDenied):
        services.referral_send(
            actor=analyst.user,
            person=victim,
            to_organisation=organisations["other"],
            service="victim_support",
            details="x",
            consent="given",
        )
    assert not Referral.objects.exists()


def test_decide_once_with_locking(make_member: Any, organisations: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    _da, victim, *_ = da_case(worker)
    referral = services.referral_send(
        actor=worker.user,
        person=victim,
        to_organisation=organisations["other"],
        service="victim_support",
        details="Support",
        consent="given",
    )
    with pytest.raises(PermissionDenied):
        services.referral_decide(
            actor=worker.user, referral=referral, decision="accepted", reason="", version=1
        )
    with pytest.raises(ValidationError, match="reason for declining"):
        services.referral_decide(
            actor=receiver.user, referral=referral, decision="declined", reason="", version=1
        )
    services.referral_decide(
        actor=receiver.user,
        referral=referral,
        decision="declined",
        reason="Outside our area",
        version=1,
    )
    with pytest.raises(services.StaleEditError):
        services.referral_decide(
            actor=receiver.user, referral=referral, decision="accepted", reason="", version=1
        )
    with pytest.raises(ValidationError, match="already been decided"):
        services.referral_decide(
            actor=receiver.user, referral=referral, decision="accepted", reason="", version=2
        )
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("declined", "Outside our area")
    assert (
        AuditEvent.objects.filter(action="referral.declined", operation="alteration").count() == 1
    )
