"""Who may read, comment on and publish which partnership's board reports.

A member sees the reports of the partnerships their organisation serves, and of the CSPs a
county board among them oversees, if their role sees performance figures. Any other
partnership is 404, the same as one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.models import Membership, Partnership
from saferhub.performance import access as performance_access
from saferhub.reports import rules


def partnerships_visible_to(user: AnyUser) -> QuerySet[Partnership]:
    """The partnerships whose reports the user may read: the same as whose performance
    pages they may see (one rule, in performance.access)."""
    return performance_access.partnerships_visible_to(user)


def require_report_reader(user: AnyUser) -> Membership:
    """The member, if their role reads board reports; otherwise 403."""
    membership = membership_of(user)
    if membership is None or not rules.may_view_reports(membership.role):
        raise PermissionDenied("needs the view_performance capability")
    return membership


def access_partnership(user: AnyUser, slug: str) -> tuple[Membership, Partnership]:
    """The member and the partnership whose reports they want: 403 without the capability to
    see performance figures, 404 for a partnership they cannot see or that does not exist."""
    membership = require_report_reader(user)
    try:
        return membership, partnerships_visible_to(user).get(slug=slug)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership") from None


def require_commentary_writer(membership: Membership) -> None:
    """403 unless the member writes commentary (analysts)."""
    if not rules.may_write_commentary(membership.role):
        raise PermissionDenied("only analysts write commentary")


def require_publisher(membership: Membership) -> None:
    """403 unless the member may publish reports."""
    if not rules.may_publish(membership.role):
        raise PermissionDenied("needs the publish_reports capability")
