"""Who may see casework management information, and over which cases.

Decision (issue 4, item 14): the figures count only cases the viewer's organisation may
see. A member who sees personal records counts the cases visible to them (their
organisation's own and those shared with it, cases_visible_to, the one rule). A member who
sees performance figures but not personal records (analysts, board members, partnership
administrators) counts their own organisation's cases only. Another organisation's cases
are never counted, so no figure can be narrowed down to another organisation's record.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saferhub.cases.access import cases_visible_to
from saferhub.cases.models import Case
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can


def may_see_figures(user: AnyUser) -> bool:
    """Supervisors and members who see performance figures."""
    membership = membership_of(user)
    return membership is not None and (
        role_can(membership.role, Capability.VIEW_PERFORMANCE)
        or role_can(membership.role, Capability.SUPERVISE_CASES)
    )


def require_figures(user: AnyUser) -> None:
    """403 unless the user may see casework figures."""
    if not may_see_figures(user):
        raise PermissionDenied("your role cannot see casework figures")


def cases_counted_for(user: AnyUser) -> QuerySet[Case]:
    """The cases the user's figures count (see the module docstring)."""
    membership = membership_of(user)
    if membership is None or not may_see_figures(user):
        return Case.objects.none()
    if role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return cases_visible_to(user)
    return Case.objects.filter(owner_organisation_id=membership.organisation_id)
