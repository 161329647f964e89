"""Who may see and decide referrals: members who may see personal records in the sending or
the receiving organisation (the receiving organisation no longer sees a referral the sender
withdrew). Deciding (accept or decline) needs EDIT_PERSONAL_RECORDS in the receiving
organisation, withdrawing it in the sending one. Anyone else gets 404, as for a missing
referral."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.referrals.models import Referral
from saferhub.referrals.rules import Status


def can_send(user: AnyUser) -> bool:
    """Whether the user may send referrals (about a person they may see): a member who may
    record and change records. The referral form and the person page's link use this."""
    membership = membership_of(user)
    return membership is not None and role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS)


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    """Referrals the user's organisation sent, or received and not withdrawn (the one rule for
    every page)."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return Referral.objects.none()
    org = membership.organisation_id
    return Referral.objects.filter(
        Q(from_organisation_id=org)
        | (Q(to_organisation_id=org) & ~Q(status=Status.WITHDRAWN.value))
    )


def access_referral(user: AnyUser, referral_id: int) -> Referral:
    """One referral the user may see, else 404."""
    try:
        return (
            referrals_visible_to(user)
            .select_related(
                "from_organisation", "to_organisation", "person", "case", "sent_by", "decided_by"
            )
            .get(pk=referral_id)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


def can_decide(user: AnyUser, referral: Referral) -> bool:
    """Whether the user may accept or decline: a member of the receiving organisation who
    may change records."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.organisation_id == referral.to_organisation_id
        and role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS)
    )


def can_withdraw(user: AnyUser, referral: Referral) -> bool:
    """Whether the user may withdraw the referral (while it awaits a decision, which the
    rules check): a member of the sending organisation who may change records."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.organisation_id == referral.from_organisation_id
        and role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS)
    )
