"""Which records an organisation has been given through an active share, and who may
share, list and revoke shares."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.sharing.models import AccessLevel, RecordShare


def active_shares(
    *, record_type: str, organisation_id: int, today: datetime.date | None = None
) -> QuerySet[RecordShare, Any]:
    """Shares of this record type to the organisation that are in force today."""
    today = today or timezone.localdate()
    return RecordShare.objects.filter(
        record_type=record_type,
        organisation_id=organisation_id,
        revoked_at__isnull=True,
        expires_on__gte=today,
    )


def shared_record_ids(
    *, record_type: str, organisation_id: int, contribute: bool = False
) -> QuerySet[RecordShare, Any]:
    """Ids (as a subquery) of records of this type shared with the organisation."""
    shares = active_shares(record_type=record_type, organisation_id=organisation_id)
    if contribute:
        shares = shares.filter(Q(access_level=AccessLevel.CONTRIBUTE))
    return shares.values("record_id")


def can_share(user: AnyUser, *, owner_organisation_id: int) -> bool:
    """Whether the user may share (and revoke shares of) a record: their role may share
    records and their organisation owns it."""
    membership = membership_of(user)
    return (
        membership is not None
        and role_can(membership.role, Capability.SHARE_RECORDS)
        and membership.organisation_id == owner_organisation_id
    )


def shares_visible_to(user: AnyUser) -> QuerySet[RecordShare, Any]:
    """Shares the user may list: those their organisation granted or received, if their
    role sees personal records (a share names the record it opens)."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return RecordShare.objects.none()
    org = membership.organisation_id
    return RecordShare.objects.filter(
        Q(owner_organisation_id=org) | Q(organisation_id=org)
    ).select_related("organisation", "owner_organisation", "granted_by", "revoked_by")


def access_share_to_revoke(user: AnyUser, share_id: int) -> RecordShare:
    """A share the user may revoke (granted by their organisation, and they may share);
    404 otherwise, exactly as for a missing share."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.SHARE_RECORDS):
        raise Http404("No such share")
    try:
        return RecordShare.objects.select_related("organisation").get(
            pk=share_id, owner_organisation_id=membership.organisation_id
        )
    except RecordShare.DoesNotExist:
        raise Http404("No such share") from None
