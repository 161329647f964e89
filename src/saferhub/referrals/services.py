"""Referral writes: sending a referral (which shares the person, and the case if given, with
the receiving organisation) and deciding it. One transaction each, audited inside."""

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
from saferhub.referrals.access import can_decide
from saferhub.referrals.models import Referral
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare

SHARE_DAYS = 365


class StaleEditError(Exception):
    """Someone else decided the referral first."""


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


def _share(
    *, actor: Actor, referral: Referral, record_type: str, record_id: int, owner_id: int
) -> RecordShare | None:
    """Share one record the sender's organisation owns with the receiving organisation (a
    year), unless it is already shared at least that long; audited as a disclosure."""
    expires_on = timezone.localdate() + datetime.timedelta(days=SHARE_DAYS)
    if RecordShare.objects.filter(
        record_type=record_type,
        record_id=record_id,
        organisation=referral.to_organisation,
        revoked_at__isnull=True,
        expires_on__gte=expires_on,
    ).exists():
        return None
    reason = f"Referral to {referral.get_service_display().lower()}"
    share = RecordShare.objects.create(
        record_type=record_type,
        record_id=record_id,
        owner_organisation_id=owner_id,
        organisation=referral.to_organisation,
        access_level=AccessLevel.VIEW,
        legal_basis=_legal_basis(referral.service, referral.consent),
        reason=reason,
        granted_by=_user(actor),
        expires_on=expires_on,
    )
    audit_record(
        actor=actor,
        action="record.shared",
        operation=Operation.DISCLOSURE,
        target_type=record_type,
        target_id=record_id,
        record_owner_organisation_id=owner_id,
        subject_id=referral.person_id,
        purpose=reason,
        payload={
            "share_id": share.pk,
            "organisation_id": referral.to_organisation_id,
            "organisation": referral.to_organisation.name,
            "access_level": share.access_level,
            "legal_basis": share.legal_basis,
            "expires_on": expires_on.isoformat(),
            "referral_id": referral.pk,
        },
    )
    return share


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
    record is theirs to share). ValidationError with field errors: own organisation or one
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
    shared = []
    if person.owner_organisation_id == membership.organisation_id:
        shared.append(
            _share(
                actor=actor,
                referral=referral,
                record_type="person",
                record_id=person.pk,
                owner_id=person.owner_organisation_id,
            )
        )
    if case is not None and case.owner_organisation_id == membership.organisation_id:
        shared.append(
            _share(
                actor=actor,
                referral=referral,
                record_type="case",
                record_id=case.pk,
                owner_id=case.owner_organisation_id,
            )
        )
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
            "shares": [s.pk for s in shared if s is not None],
        },
    )
    return referral


@transaction.atomic
def referral_decide(
    *, actor: Actor, referral: Referral, decision: rules.Status | str, reason: str, version: int
) -> Referral:
    """Accept or decline a referral, once, by the receiving organisation. Declining needs a
    reason. StaleEditError when someone decided first (nothing is overwritten);
    ValidationError for a refused decision; PermissionDenied for anyone else. Audited."""
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
    audit_record(
        actor=actor,
        action=f"referral.{referral.status}",
        operation=Operation.ALTERATION,
        target_type="referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.from_organisation_id,
        subject_id=referral.person_id,
        payload={"decision": referral.status},
    )
    return referral


def move_to_survivor(survivor_id: int, duplicate_id: int) -> None:
    """Merge hook (cases.extensions): the duplicate's referrals now name the survivor."""
    Referral.objects.filter(person_id=duplicate_id).update(person_id=survivor_id)
