"""Withdrawing and declining a referral end the shares it gave the receiving organisation
(only those), audited; the receiver no longer sees a withdrawn referral; the page asks for
a reason and refuses a stale or decided referral without overwriting anything."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.access import cases_visible_to
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.referrals import services
from saferhub.referrals.access import referrals_visible_to
from saferhub.referrals.models import Referral
from saferhub.sharing.models import LegalBasis, RecordShare
from tests.risk.factories import da_case

pytestmark = pytest.mark.django_db


def send(worker: Any, to: Any, victim: Any, case: Any = None) -> Referral:
    return services.referral_send(
        actor=worker.user,
        person=victim,
        case=case,
        to_organisation=to,
        service="victim_support",
        details="Support please",
        consent="given",
    )


def test_withdrawing_ends_the_referrals_shares_and_hides_it_from_the_receiver(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    # the receiver also has the person through a share the owner made itself
    RecordShare.objects.create(
        record_type="person",
        record_id=victim.pk,
        owner_organisation=worker.organisation,
        organisation=organisations["other"],
        legal_basis=LegalBasis.CDA_1998_S115,
        reason="Joint working",
        granted_by=worker.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    referral = send(worker, organisations["other"], victim, da)
    assert da in cases_visible_to(receiver.user)
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(
            actor=receiver.user, referral=referral, reason="Not theirs", version=1
        )
    with pytest.raises(ValidationError):
        services.referral_withdraw(actor=worker.user, referral=referral, reason=" ", version=1)
    services.referral_withdraw(
        actor=worker.user, referral=referral, reason="Sent in error", version=1
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("withdrawn", "Sent in error")
    assert da not in cases_visible_to(receiver.user)
    assert victim in people_visible_to(receiver.user)  # the owner's own share stays
    assert referral not in referrals_visible_to(receiver.user)
    assert referral in referrals_visible_to(worker.user)
    ended = RecordShare.objects.filter(revoked_at__isnull=False)
    assert {(s.origin_type, s.origin_id) for s in ended} == {("referral", referral.pk)}
    assert ended.count() == 2
    event = AuditEvent.objects.get(action="referral.withdrawn")
    assert sorted(event.payload["shares_revoked"]) == sorted(s.pk for s in ended)
    assert AuditEvent.objects.filter(action="record.share_revoked").count() == 2
    with pytest.raises(services.StaleEditError):
        services.referral_withdraw(actor=worker.user, referral=referral, reason="Again", version=1)


def test_declining_ends_the_shares_and_accepting_keeps_them(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    _da, victim, perpetrator, *_ = da_case(worker)
    declined = send(worker, organisations["other"], victim)
    accepted = send(worker, organisations["other"], perpetrator)
    services.referral_decide(
        actor=receiver.user, referral=declined, decision="declined", reason="Full", version=1
    )
    services.referral_decide(
        actor=receiver.user, referral=accepted, decision="accepted", reason="", version=1
    )
    assert victim not in people_visible_to(receiver.user)
    assert perpetrator in people_visible_to(receiver.user)
    assert declined in referrals_visible_to(receiver.user)  # their own decision stays
    event = AuditEvent.objects.get(action="referral.declined")
    assert len(event.payload["shares_revoked"]) == 1
    assert AuditEvent.objects.get(action="referral.accepted").payload["shares_revoked"] == []
    with pytest.raises(ValidationError, match="already been decided or withdrawn"):
        services.referral_withdraw(actor=worker.user, referral=accepted, reason="x", version=2)


def test_the_withdraw_page(client: Any, make_member: Any, organisations: dict[str, Any]) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    _da, victim, *_ = da_case(worker)
    referral = send(worker, organisations["other"], victim)
    url = f"/referrals/{referral.pk}/withdraw"

    def sign_in(member: Any) -> None:
        client.force_login(member.user)
        session = client.session
        remember_purpose(session, purpose_scope("referral", referral.pk), "Managing referrals")
        session.save()

    sign_in(receiver)
    assert client.get(url).status_code == 404
    assert url not in client.get(f"/referrals/{referral.pk}/").content.decode()
    sign_in(worker)
    assert url in client.get(f"/referrals/{referral.pk}/").content.decode()
    response = client.post(url, {"reason": "", "version": referral.version})
    assert response.status_code == 400
    assert "Enter why you are withdrawing the referral" in response.content.decode()
    stale = client.post(url, {"reason": "Sent in error", "version": referral.version + 5})
    assert "Nothing was saved" in stale.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"
    done = client.post(url, {"reason": "Sent in error", "version": referral.version})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "withdrawn"
    assert client.get(url).status_code == 404


def test_shares_made_before_origins_existed_are_linked_by_the_migration(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    from django.apps import apps

    migration = importlib.import_module("saferhub.referrals.migrations.0003_link_referral_shares")
    worker = make_member(Role.CASEWORKER, "own")
    da, victim, *_ = da_case(worker)
    referral = send(worker, organisations["other"], victim, da)
    other = RecordShare.objects.create(
        record_type="person",
        record_id=victim.pk,
        owner_organisation=worker.organisation,
        organisation=organisations["other"],
        legal_basis=LegalBasis.CDA_1998_S115,
        reason="Joint working",
        granted_by=worker.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    RecordShare.objects.update(origin_type="", origin_id=None, cascaded_from=None)
    migration.link_referral_shares(apps, None)
    linked = RecordShare.objects.filter(origin_type="referral", origin_id=referral.pk)
    assert set(linked.values_list("record_type", flat=True)) == {"person", "case"}
    other.refresh_from_db()
    assert other.origin_type == ""
