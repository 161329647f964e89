"""Which records an organisation has been given through an active share."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

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
