"""Who may see which partnership's performance figures, and which indicators.

A member whose role has the "view performance" capability sees the partnerships their
organisation serves and the CSPs that a county board among them oversees. Any other
partnership is 404, exactly like one that does not exist; a member without the capability
gets 403 on every performance page. Restricted indicators (MARAC, Channel) are shown only to
roles that handle the data behind them (rules.sees_restricted; ADR 0006).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from saferhub.analytics.indicators import IndicatorSet
from saferhub.organisations.access import AnyUser, membership_of, require_capability
from saferhub.organisations.models import Membership, Partnership
from saferhub.organisations.rules import Capability, role_can
from saferhub.performance import rules


def require_performance_viewer(user: AnyUser) -> Membership:
    """The member, if their role sees performance figures; otherwise 403."""
    return require_capability(user, Capability.VIEW_PERFORMANCE)


def partnerships_visible_to(user: AnyUser) -> QuerySet[Partnership]:
    """The partnerships whose figures the user may see: their organisation's partnerships
    and the CSPs those oversee (none without the "view performance" capability)."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERFORMANCE):
        return Partnership.objects.none()
    own = membership.organisation.partnerships.all()
    return (
        Partnership.objects.filter(Q(pk__in=own) | Q(overseen_by__in=own))
        .distinct()
        .order_by("name")
    )


def access_partnership(user: AnyUser, slug: str) -> tuple[Membership, Partnership]:
    """The member and a partnership they may see: 403 without the capability, 404 for a
    partnership they cannot see or that does not exist."""
    membership = require_performance_viewer(user)
    try:
        return membership, partnerships_visible_to(user).get(slug=slug)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership") from None


def sees_restricted_indicators(user: AnyUser) -> bool:
    """Whether the user may see restricted indicators (MARAC and Channel referrals)."""
    membership = membership_of(user)
    return membership is not None and rules.sees_restricted(membership.role)


def indicators_visible_to(user: AnyUser, indicators: IndicatorSet) -> IndicatorSet:
    """The indicator set as the user may see it: without restricted indicators unless their
    role handles the data behind them."""
    if sees_restricted_indicators(user):
        return indicators
    return indicators.unrestricted()


def require_restricted_viewer_for(user: AnyUser, restricted: bool) -> None:
    """404 for a restricted indicator the user may not see (as if it did not exist)."""
    if restricted and not sees_restricted_indicators(user):
        raise Http404("No such indicator")
