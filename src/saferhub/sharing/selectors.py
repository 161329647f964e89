"""Reading shares for pages. Listing a record's shares shows the record (a person's name,
a case title), so it is audited as a consultation of that record."""

from __future__ import annotations

from django.db.models import QuerySet

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.sharing.access import shares_visible_to
from saferhub.sharing.models import RecordShare
from saferhub.sharing.registry import ShareableRecord

SHARING_PURPOSE = "Managing who this record is shared with"


def record_shares(*, actor: AnyUser, record: ShareableRecord) -> QuerySet[RecordShare]:
    """Every share of the record the actor may list, newest first (the owner sees all of
    them; a receiving organisation sees only its own); audited as a consultation."""
    audit_record(
        actor=actor,
        action="record.shares_viewed",
        operation=Operation.CONSULTATION,
        target_type=record.record_type,
        target_id=record.record_id,
        record_owner_organisation_id=record.owner_organisation_id,
        subject_id=record.subject_id,
        purpose=SHARING_PURPOSE,
    )
    return (
        shares_visible_to(actor)
        .filter(record_type=record.record_type, record_id=record.record_id)
        .order_by("-granted_at", "-pk")
    )


def organisation_shares(*, actor: AnyUser, direction: str) -> QuerySet[RecordShare]:
    """Shares the actor's organisation granted (direction='granted') or received
    ('received'), newest first. Lists record types and ids only, not their contents."""
    membership = membership_of(actor)
    shares = shares_visible_to(actor)
    if membership is None:
        return shares.none()
    if direction == "granted":
        shares = shares.filter(owner_organisation_id=membership.organisation_id)
    else:
        shares = shares.filter(organisation_id=membership.organisation_id)
    return shares.order_by("-granted_at", "-pk")
