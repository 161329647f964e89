"""Referral writes: sending a referral (which shares the person, and the case if given, with
the receiving organisation), deciding it and withdrawing it. The shares name the referral as
their origin (ADR 0009): they end when the referral is declined or withdrawn. One
transaction each, audited inside."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.models import Case
from saferhub.organisations.access import membership_of
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Capability, role_can
from saferhub.people.models import Person
from saferhub.referrals import rules
from saferhub.referrals.access import can_decide, can_withdraw
from saferhub.referrals.models import Referral
from saferhub.sharing.models import LegalBasis, RecordShare
from saferhub.sharing.services import DerivedRecord, derived_shares_grant, derived_shares_revoke

SHARE_DAYS = 365


class StaleEditError(Exception):
    """Someone else decided or withdrew the referral first."""


def _user(actor: Actor) -> User:
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("sign in first")
    return actor


def _legal_basis(service: str, consent: str) -> str:
    if consent == rules.Consent.GIVEN:
        return LegalBasis.CONSENT
    if service == rules.Service.CHILDRENS_SOCIAL_CARE:
        return LegalBasis.CHILDREN_ACT_1989
    if service == rules.Service.ADULT_SOCIAL_CARE:
        return LegalBasis.CARE_ACT_2014
    return LegalBasis.CDA_1998_S115


REFERRAL_ORIGIN = "referral"


def _share(*, actor: Actor, referral: Referral, records: list[DerivedRecord]) -> list[RecordShare]:
    """Share the records (owned by the sender's organisation) with the receiving
    organisation for a year, naming the referral as their origin; audited as disclosures."""
    if not records:
        return []
    return derived_shares_grant(
        actor=actor,
        origin_type=REFERRAL_ORIGIN,
        origin_id=referral.pk,
        owner_organisation_id=referral.from_organisation_id,
        organisation=referral.to_organisation,
        records=records,
        legal_basis=_legal_basis(referral.service, referral.consent),
        reason=f"Referral to {referral.get_service_display().lower()}",
        expires_on=timezone.localdate() + datetime.timedelta(days=SHARE_DAYS),
        payload={"referral_id": referral.pk},
    )


def _end_shares(actor: Actor, referral: Referral, why: str) -> list[RecordShare]:
    return derived_shares_revoke(
        actor=actor,
        origin_type=REFERRAL_ORIGIN,
        origin_id=referral.pk,
        reason=f"Referral to {referral.get_service_display().lower()} {why}",
    )


@transaction.atomic
def referral_send(
    *,
    actor: Actor,
    person: Person,
    to_organisation: Organisation,
    service: rules.Service | str,
    details: str,
    consent: rules.Consent | str,
    consent_override_reason: str = "",
    case: Case | None = None,
) -> Referral:
    """Send a referral about a person (and optionally a case) to another organisation.

    The caller fetched the person (and case) through their access functions. Needs
    EDIT_PERSONAL_RECORDS (PermissionDenied). The person and case are shared with the
    receiving organisation where the sender's organisation owns them (another owner's
    record is theirs to share), for a year or until the referral is declined or withdrawn. ValidationError with field errors: own organisation or one
    outside the sender's partnerships, unknown service, blank details, consent overridden
    without a reason, a case the person is not on.
    """
    membership = membership_of(actor)
    if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
        raise PermissionDenied("needs the edit_personal_records capability")
    errors: dict[str, str] = {}
    if to_organisation.pk == membership.organisation_id:
        errors["to_organisation"] = "Select an organisation other than your own"
    elif (
        not Partnership.objects.filter(organisations=to_organisation.pk)
        .filter(organisations=membership.organisation_id)
        .exists()
    ):
        errors["to_organisation"] = "Select an organisation in your partnership"
    if service not in rules.Service.__members__.values():
        errors["service"] = "Select the service you are referring to"
    if not details.strip():
        errors["details"] = "Enter what you are asking the service to do"
    if consent not in rules.Consent.__members__.values():
        errors["consent"] = "Select whether the person consented"
    else:
        try:
            rules.check_consent(consent, consent_override_reason)
        except rules.RuleError as error:
            errors["consent_override_reason"] = str(error)
    if case is not None and not case.case_people.filter(person=person).exists():
        errors["case"] = "The person must be on the case"
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        from_organisation=membership.organisation,
        to_organisation=to_organisation,
        service=str(service),
        person=person,
        case=case,
        details=details.strip(),
        consent=str(consent),
        consent_override_reason=consent_override_reason.strip()
        if consent != rules.Consent.GIVEN
        else "",
        sent_by=_user(actor),
        sent_at=timezone.now(),
    )
    owned = [DerivedRecord("person", person.pk, person.pk)]
    if person.owner_organisation_id != membership.organisation_id:
        owned = []
    if case is not None and case.owner_organisation_id == membership.organisation_id:
        owned.append(DerivedRecord("case", case.pk, person.pk))
    shared = _share(actor=actor, referral=referral, records=owned)
    audit_record(
        actor=actor,
        action="referral.sent",
        operation=Operation.DISCLOSURE,
        target_type="referral",
        target_id=referral.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
        purpose=f"Referral to {referral.get_service_display().lower()}",
        payload={
            "to_organisation_id": to_organisation.pk,
            "service": str(service),
            "consent": str(consent),
            "case_id": case.pk if case else None,
            "shares": [s.pk for s in shared],
        },
    )
    return referral


@transaction.atomic
def referral_decide(
    *, actor: Actor, referral: Referral, decision: rules.Status | str, reason: str, version: int
) -> Referral:
    """Accept or decline a referral, once, by the receiving organisation. Declining needs a
    reason and ends the shares the referral gave (ADR 0009). StaleEditError when someone
    decided first (nothing is overwritten); ValidationError for a refused decision;
    PermissionDenied for anyone else. Audited."""
    if not can_decide(actor, referral):
        raise PermissionDenied("only the receiving organisation may decide")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.version != version:
        raise StaleEditError("Someone else decided this referral while you were looking at it")
    try:
        rules.check_decision(referral.status, decision, reason)
    except rules.RuleError as error:
        field = "reason" if "reason" in str(error) else "decision"
        raise ValidationError({field: str(error)}) from None
    referral.status = str(decision)
    referral.decision_reason = reason.strip()
    referral.decided_by = _user(actor)
    referral.decided_at = timezone.now()
    referral.version += 1
    referral.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "version"]
    )
    ended: list[RecordShare] = []
    if referral.status not in rules.KEEPS_SHARES:
        ended = _end_shares(actor, referral, "declined")
    audit_record(
        actor=actor,
        action=f"referral.{referral.status}",
        operation=Operation.ALTERATION,
        target_type="referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.from_organisation_id,
        subject_id=referral.person_id,
        payload={"decision": referral.status, "shares_revoked": [s.pk for s in ended]},
    )
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str, version: int) -> Referral:
    """Withdraw a referral still awaiting a decision, by a member of the sending organisation
    who may change records, with a reason: the shares it gave the receiving organisation
    end (ADR 0009) and that organisation no longer sees the referral. StaleEditError when it
    was decided or changed meanwhile (nothing is overwritten); ValidationError without a
    reason or once decided; PermissionDenied for anyone else. Audited."""
    if not can_withdraw(actor, referral):
        raise PermissionDenied("only the sending organisation may withdraw a referral")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.version != version:
        raise StaleEditError("Someone else changed this referral while you were looking at it")
    try:
        rules.check_withdrawal(referral.status, reason)
    except rules.RuleError as error:
        field = "reason" if "reason" in str(error) or "why" in str(error) else "__all__"
        raise ValidationError({field: str(error)}) from None
    referral.status = rules.Status.WITHDRAWN.value
    referral.decision_reason = reason.strip()
    referral.decided_by = _user(actor)
    referral.decided_at = timezone.now()
    referral.version += 1
    referral.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "version"]
    )
    ended = _end_shares(actor, referral, f"withdrawn: {reason.strip()}")
    audit_record(
        actor=actor,
        action="referral.withdrawn",
        operation=Operation.ALTERATION,
        target_type="referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.from_organisation_id,
        subject_id=referral.person_id,
        purpose=reason.strip(),
        payload={"shares_revoked": [s.pk for s in ended]},
    )
    return referral


def move_to_survivor(survivor_id: int, duplicate_id: int) -> None:
    """Merge hook (cases.extensions): the duplicate's referrals now name the survivor."""
    Referral.objects.filter(person_id=duplicate_id).update(person_id=survivor_id)
