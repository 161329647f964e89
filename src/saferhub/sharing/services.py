"""Granting and revoking shares. Each runs in one transaction and audits every share it
creates or revokes as a disclosure (DPA 2018 s.62), naming the receiving organisation, the
legal basis and the reason.

Sharing a case also shares the people, incidents and places linked to it that the same
organisation owns (ADR 0007), in the same transaction: the receiving organisation can then
open the case's people and incidents, and revoking the case share revokes those too.

Derived shares (ADR 0009) are granted by another app's service for something that needs
them, a case on a MARAC agenda or a referral, and carry that origin (`origin_type`,
`origin_id`): `derived_shares_grant` creates them, `derived_shares_revoke` ends every share
of an origin when the origin ends (the case leaves the agenda, the referral is withdrawn or
declined). Each origin holds its own shares, so ending one never takes away access another
origin, or a member's own share, still gives.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.organisations.models import Organisation, Partnership
from saferhub.sharing import rules
from saferhub.sharing.access import can_share
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare
from saferhub.sharing.registry import ShareableRecord, describe_record


@dataclass
class ShareResult:
    """What one share request did."""

    share: RecordShare
    cascaded: list[RecordShare] = field(default_factory=list)
    not_owned: int = 0


@dataclass(frozen=True)
class DerivedRecord:
    """One record a derived share opens, and the person it is about (for the audit)."""

    record_type: str
    record_id: int
    subject_id: int | str = ""


def _audit_share(
    actor: Actor,
    share: RecordShare,
    record: ShareableRecord,
    extra: dict[str, Any] | None = None,
) -> None:
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
            **({"origin": f"{share.origin_type}:{share.origin_id}"} if share.origin_type else {}),
            **(extra or {}),
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
    origin: tuple[str, int] | None = None,
    extra: dict[str, Any] | None = None,
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
        origin_type=origin[0] if origin else "",
        origin_id=origin[1] if origin else None,
    )
    _audit_share(actor, share, record, extra)
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
    owned by the same organisation; each cascaded share belongs to this case share (even
    where another share already opens the record), so revoking it ends exactly what it
    granted.
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
        result.cascaded.append(
            _new_share(actor=actor, record=linked, cascaded_from=result.share, **options)  # type: ignore[arg-type]
        )
    return result


def _revoke(actor: Actor, shares: Iterable[RecordShare], reason: str) -> list[RecordShare]:
    """End each share now, each audited as `record.share_revoked` (a disclosure ending)."""
    now = timezone.now()
    revoked = list(shares)
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
                **({"origin": f"{item.origin_type}:{item.origin_id}"} if item.origin_type else {}),
            },
        )
    return revoked


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
    today = timezone.localdate()
    if not share.is_active_on(today):
        raise ValidationError("This share has already ended")
    cascaded = (
        share.cascaded.select_for_update()
        .select_related("organisation")
        .filter(revoked_at__isnull=True, expires_on__gte=today)
        .order_by("pk")
    )
    return _revoke(actor, [share, *cascaded], reason)


@transaction.atomic
def derived_shares_grant(
    *,
    actor: Actor,
    origin_type: str,
    origin_id: int,
    owner_organisation_id: int,
    organisation: Organisation,
    records: Sequence[DerivedRecord],
    legal_basis: LegalBasis | str,
    reason: str,
    expires_on: datetime.date,
    access_level: AccessLevel | str = AccessLevel.VIEW,
    payload: dict[str, Any] | None = None,
) -> list[RecordShare]:
    """Share records with an organisation because of an origin (a case on a MARAC agenda, a
    referral), each share naming that origin so it ends with it; each audited as a
    disclosure (`record.shared`, with `payload` added).

    The calling service has checked who may create the origin (a MARAC coordinator, the
    referring member); its records must all be owned by `owner_organisation_id`. When the
    records include a case, its share is the parent of the others (`cascaded_from`), as for
    a member's own case share, so stopping the case share on the sharing pages stops them
    too. ValueError for a programming mistake: sharing with the owner itself, or a blank
    reason, origin or unknown legal basis or access level.
    """
    if organisation.pk == owner_organisation_id:
        raise ValueError("a record is never shared with its own organisation")
    if not (origin_type and reason.strip()):
        raise ValueError("a derived share needs its origin and a reason")
    if legal_basis not in LegalBasis.values or access_level not in AccessLevel.values:
        raise ValueError("unknown legal basis or access level")
    ordered = sorted(records, key=lambda r: r.record_type != "case")
    parent: RecordShare | None = None
    created: list[RecordShare] = []
    for item in ordered:
        record = ShareableRecord(
            record_type=item.record_type,
            record_id=item.record_id,
            label="",
            owner_organisation_id=owner_organisation_id,
            subject_id=str(item.subject_id),
        )
        share = _new_share(
            actor=actor,
            record=record,
            organisation=organisation,
            access_level=str(access_level),
            legal_basis=str(legal_basis),
            reason=reason.strip(),
            expires_on=expires_on,
            cascaded_from=parent,
            origin=(origin_type, origin_id),
            extra=payload,
        )
        if item.record_type == "case" and parent is None:
            parent = share
        created.append(share)
    return created


@transaction.atomic
def derived_shares_revoke(
    *, actor: Actor, origin_type: str, origin_id: int, reason: str
) -> list[RecordShare]:
    """End every share still in force that an origin granted (the case left the MARAC
    agenda, the referral was withdrawn or declined), each audited as
    `record.share_revoked` with the reason. The calling service has checked who may end
    the origin. Returns the shares revoked (none when all had already ended)."""
    today = timezone.localdate()
    shares = (
        RecordShare.objects.select_for_update()
        .select_related("organisation")
        .filter(
            origin_type=origin_type,
            origin_id=origin_id,
            revoked_at__isnull=True,
            expires_on__gte=today,
        )
        .order_by("pk")
    )
    return _revoke(actor, shares, reason)
