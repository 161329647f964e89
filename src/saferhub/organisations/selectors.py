"""Reads for the members pages. Every read of member details is audited as a consultation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.audit.rules import Operation, Outcome
from saferhub.audit.services import audit_record
from saferhub.organisations.access import AnyUser, access_member, members_visible_to
from saferhub.organisations.models import Membership


def member_list(*, actor: AnyUser) -> QuerySet[Membership]:
    """The members the actor may manage (their organisation's), audited as a consultation."""
    members = members_visible_to(actor)
    audit_record(actor=actor, action="member.list_viewed", operation=Operation.CONSULTATION)
    return members


def member_detail(*, actor: AnyUser, membership_id: int) -> Membership:
    """One member record (404 if hidden or missing), audited as a consultation."""
    try:
        membership = access_member(actor, membership_id)
    except Http404:
        audit_record(
            actor=actor,
            action="member.access_refused",
            operation=Operation.NONE,
            outcome=Outcome.REFUSED,
            target_type="member",
            target_id=membership_id,
        )
        raise
    audit_record(
        actor=actor,
        action="member.viewed",
        operation=Operation.CONSULTATION,
        target_type="member",
        target_id=membership.pk,
        record_owner_organisation_id=membership.organisation_id,
    )
    return membership
