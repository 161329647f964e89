"""Who may see and do what with MARAC referrals and meetings.

- A referral is visible to members who may see its case (the referring organisation, and
  organisations the case is shared with, including through a MARAC agenda), and to MARAC
  coordinators (MANAGE_MARAC) of organisations in the referral's partnership, who must see
  referrals to list them on an agenda. Everyone else: 404.
- A meeting is visible to members who may see personal records and whose organisation sits
  on it. Running it (agenda, actions, minutes) needs MANAGE_MARAC as well. Its agenda items
  (with their research and actions) are shown only where the referral is visible too.
- Minutes are restricted (marac.rules.may_read_minutes): coordinators, or members with
  VIEW_RISK_DETAIL, of the meeting's organisations.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from saferhub.cases.access import cases_visible_to
from saferhub.marac import rules
from saferhub.marac.models import AgendaItem, MaracAction, MaracMeeting, MaracReferral
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Capability, role_can


def manages_marac(user: AnyUser) -> bool:
    """Whether the user is a MARAC coordinator."""
    membership = membership_of(user)
    return membership is not None and role_can(membership.role, Capability.MANAGE_MARAC)


def marac_partnerships(user: AnyUser) -> QuerySet[Partnership]:
    """The partnerships whose MARAC the user may coordinate."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.MANAGE_MARAC):
        return Partnership.objects.none()
    return Partnership.objects.filter(organisations=membership.organisation_id)


def referrals_visible_to(user: AnyUser) -> QuerySet[MaracReferral]:
    """Every MARAC referral the user may see (the one rule for pages, lists and counts)."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return MaracReferral.objects.none()
    condition = Q(case__in=cases_visible_to(user).values("pk"))
    if role_can(membership.role, Capability.MANAGE_MARAC):
        condition |= Q(partnership__in=marac_partnerships(user).values("pk"))
    return MaracReferral.objects.filter(condition)


def access_referral(user: AnyUser, referral_id: int) -> MaracReferral:
    """One referral the user may see, else 404."""
    try:
        return (
            referrals_visible_to(user)
            .select_related(
                "case", "victim", "referring_organisation", "referred_by", "partnership"
            )
            .get(pk=referral_id)
        )
    except MaracReferral.DoesNotExist:
        raise Http404("No such referral") from None


def meetings_visible_to(user: AnyUser, *, manage: bool = False) -> QuerySet[MaracMeeting]:
    """Meetings the user's organisation sits on (and runs, with manage=True)."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return MaracMeeting.objects.none()
    if manage and not role_can(membership.role, Capability.MANAGE_MARAC):
        return MaracMeeting.objects.none()
    return MaracMeeting.objects.filter(organisations=membership.organisation_id)


def access_meeting(user: AnyUser, meeting_id: int, *, manage: bool = False) -> MaracMeeting:
    """One meeting the user may see (or run, with manage=True), else 404."""
    try:
        return (
            meetings_visible_to(user, manage=manage)
            .select_related("partnership", "owner_organisation")
            .get(pk=meeting_id)
        )
    except MaracMeeting.DoesNotExist:
        raise Http404("No such meeting") from None


def items_visible_to(user: AnyUser) -> QuerySet[AgendaItem]:
    """Agenda items the user may see: on a meeting their organisation sits on, for a
    referral they may see (so a case whose shares have ended, for example because the owner
    stopped sharing it, is no longer shown to them; coordinators see every referral of
    their partnership's MARAC)."""
    return AgendaItem.objects.filter(
        meeting__in=meetings_visible_to(user).values("pk"),
        referral__in=referrals_visible_to(user).values("pk"),
    )


def access_item(user: AnyUser, item_id: int, *, manage: bool = False) -> AgendaItem:
    """An agenda item the user may see (items_visible_to), of a meeting they run with
    manage=True, else 404."""
    items = items_visible_to(user)
    if manage:
        items = items.filter(meeting__in=meetings_visible_to(user, manage=True).values("pk"))
    try:
        return items.select_related(
            "meeting", "referral", "referral__victim", "referral__case"
        ).get(pk=item_id)
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item") from None


def access_action(user: AnyUser, action_id: int) -> MaracAction:
    """An action the user may complete: their own organisation's, or any on a meeting they
    run. Else 404."""
    membership = membership_of(user)
    if membership is None:
        raise Http404("No such action")
    visible = MaracAction.objects.filter(item__in=items_visible_to(user).values("pk")).filter(
        Q(organisation_id=membership.organisation_id)
        | Q(item__meeting__in=meetings_visible_to(user, manage=True).values("pk"))
    )
    try:
        return visible.select_related("item", "item__meeting", "item__referral").get(pk=action_id)
    except MaracAction.DoesNotExist:
        raise Http404("No such action") from None


def can_read_minutes(user: AnyUser, meeting: MaracMeeting) -> bool:
    """Whether the user may read the meeting's restricted minutes."""
    membership = membership_of(user)
    if membership is None:
        return False
    return rules.may_read_minutes(
        manages_marac=role_can(membership.role, Capability.MANAGE_MARAC),
        views_risk_detail=role_can(membership.role, Capability.VIEW_RISK_DETAIL),
        organisation_is_member=meeting.organisations.filter(pk=membership.organisation_id).exists(),
    )


def can_contribute(user: AnyUser) -> bool:
    """Whether the user may add research notes for their organisation."""
    membership = membership_of(user)
    return membership is not None and role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS)


def completable_actions(
    user: AnyUser, meeting: MaracMeeting, actions: list[MaracAction]
) -> set[int]:
    """The ids of the meeting's open actions the user may mark done (access_action and
    marac.services.action_complete): their own agency's, if they may change records, or
    any action on a meeting they run."""
    membership = membership_of(user)
    if membership is None:
        return set()
    runs = meetings_visible_to(user, manage=True).filter(pk=meeting.pk).exists()
    own = can_contribute(user)
    return {
        a.pk
        for a in actions
        if a.completed_at is None
        and (runs or (own and a.organisation_id == membership.organisation_id))
    }
