"""Granting and revoking shares. Each runs in one transaction and audits every share it
creates or revokes as a disclosure (DPA 2018 s.62), naming the receiving organisation, the
legal basis and the reason.

Sharing a case also shares the people, incidents and places linked to it that the same
organisation owns (ADR 0007), in the same transaction: the receiving organisation can then
open the case's people and incidents, and revoking the case share revokes those too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.organisations.models import Organisation, Partnership
from saferhub.sharing import rules
from saferhub.sharing.access import active_shares, can_share
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare
from saferhub.sharing.registry import ShareableRecord, describe_record


@dataclass
class ShareResult:
    """What one share request did."""

    share: RecordShare
    cascaded: list[RecordShare] = field(default_factory=list)
    already_shared: list[ShareableRecord] = field(default_factory=list)
    not_owned: int = 0


def _audit_share(actor: Actor, share: RecordShare, record: ShareableRecord) -> None:
    audit_record(
        actor=actor,
        action="record.shared",
        operation=Operation.DISCLOSURE,
        target_type=record.record_type,
        target_id=record.record_id,
        record_owner_organisation_id=record.owner_organisation_id,
        subject_id=record.subject_id,
        purpose=share.reason,
        payload={
            "share_id": share.pk,
            "organisation_id": share.organisation_id,
            "organisation": share.organisation.name,
            "access_level": share.access_level,
            "legal_basis": share.legal_basis,
            "expires_on": share.expires_on.isoformat(),
            "cascaded_from": share.cascaded_from_id,
        },
    )


def _new_share(
    *,
    actor: Actor,
    record: ShareableRecord,
    organisation: Organisation,
    access_level: str,
    legal_basis: str,
    reason: str,
    expires_on: datetime.date,
    cascaded_from: RecordShare | None = None,
) -> RecordShare:
    share = RecordShare.objects.create(
        record_type=record.record_type,
        record_id=record.record_id,
        owner_organisation_id=record.owner_organisation_id,
        organisation=organisation,
        access_level=access_level,
        legal_basis=legal_basis,
        reason=reason,
        granted_by=actor,  # type: ignore[misc]
        expires_on=expires_on,
        cascaded_from=cascaded_from,
    )
    _audit_share(actor, share, record)
    return share


@transaction.atomic
def record_share(
    *,
    actor: Actor,
    record: ShareableRecord,
    organisation: Organisation,
    access_level: AccessLevel | str,
    legal_basis: LegalBasis | str,
    reason: str,
    expires_on: datetime.date,
) -> ShareResult:
    """Share one record with another organisation of the owner's partnerships.

    `record` comes from sharing.registry.access_record (so the actor can see it). The actor
    must be allowed to share and belong to the owning organisation (PermissionDenied
    otherwise). ValidationError for the owner itself, an organisation outside the owner's
    partnerships, a blank reason, an unknown legal basis or access level, or an expiry date
    in the past or more than three years away. A case share cascades to its linked records
    owned by the same organisation, skipping any already shared at least as widely.
    """
    if not can_share(actor, owner_organisation_id=record.owner_organisation_id):
        raise PermissionDenied("only the owning organisation's members who may share can share")
    errors: dict[str, str] = {}
    owner = Organisation.objects.get(pk=record.owner_organisation_id)
    if organisation.pk == owner.pk:
        errors["organisation"] = "Select an organisation other than your own"
    elif not (
        Partnership.objects.filter(organisations=organisation).filter(organisations=owner).exists()
    ):
        errors["organisation"] = "Select an organisation in your partnership"
    if not reason.strip():
        errors["reason"] = "Enter why you are sharing this record"
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = "Select the legal basis for sharing"
    if access_level not in AccessLevel.values:
        errors["access_level"] = "Select what they may do with the record"
    problem = rules.expiry_problem(expires_on, timezone.localdate())
    if problem:
        errors["expires_on"] = problem
    if errors:
        raise ValidationError(errors)
    options = {
        "organisation": organisation,
        "access_level": str(access_level),
        "legal_basis": str(legal_basis),
        "reason": reason.strip(),
        "expires_on": expires_on,
    }
    result = ShareResult(share=_new_share(actor=actor, record=record, **options))  # type: ignore[arg-type]
    for record_type, record_id in record.linked:
        linked = describe_record(record_type, record_id)
        if linked is None or linked.owner_organisation_id != owner.pk:
            result.not_owned += 1
            continue
        existing = active_shares(record_type=record_type, organisation_id=organisation.pk).filter(
            record_id=record_id
        )
        if any(
            rules.covers(
                existing_level=s.access_level,
                existing_expires_on=s.expires_on,
                wanted_level=str(access_level),
                wanted_expires_on=expires_on,
            )
            for s in existing
        ):
            result.already_shared.append(linked)
            continue
        result.cascaded.append(
            _new_share(actor=actor, record=linked, cascaded_from=result.share, **options)  # type: ignore[arg-type]
        )
    return result


@transaction.atomic
def share_revoke(*, actor: Actor, share: RecordShare, reason: str = "") -> list[RecordShare]:
    """Revoke a share, and the shares of linked records its case share created.

    The actor must be allowed to share and belong to the owning organisation
    (PermissionDenied otherwise). ValidationError if the share is no longer in force.
    Returns every share revoked, the one asked for first.
    """
    if not can_share(actor, owner_organisation_id=share.owner_organisation_id):
        raise PermissionDenied("only the owning organisation's members who may share can revoke")
    share = RecordShare.objects.select_for_update().select_related("organisation").get(pk=share.pk)
    now = timezone.now()
    if not share.is_active_on(timezone.localdate()):
        raise ValidationError("This share has already ended")
    revoked = [share]
    revoked += list(
        share.cascaded.select_for_update()
        .select_related("organisation")
        .filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())
    )
    for item in revoked:
        item.revoked_at = now
        item.revoked_by = actor  # type: ignore[assignment]
        item.save(update_fields=["revoked_at", "revoked_by"])
        record = describe_record(item.record_type, item.record_id)
        audit_record(
            actor=actor,
            action="record.share_revoked",
            operation=Operation.DISCLOSURE,
            target_type=item.record_type,
            target_id=item.record_id,
            record_owner_organisation_id=item.owner_organisation_id,
            subject_id=record.subject_id if record else "",
            purpose=reason.strip(),
            payload={
                "share_id": item.pk,
                "organisation_id": item.organisation_id,
                "organisation": item.organisation.name,
                "cascaded_from": item.cascaded_from_id,
            },
        )
    return revoked
