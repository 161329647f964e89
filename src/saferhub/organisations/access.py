"""Who may see and do what with partnerships, organisations and members.

One rule per question, used by every page, list and export alike. A member record outside
the actor's organisation is indistinguishable from a missing one (404).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from saferhub.organisations.models import Membership, Organisation
from saferhub.organisations.rules import (
    Capability,
    Role,
    role_can,
    roles_assignable_by,
    two_factor_required,
)

AnyUser = AbstractBaseUser | AnonymousUser


def membership_of(user: AnyUser) -> Membership | None:
    """The user's active membership, or None (signed out, no membership, or deactivated)."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership: Membership | None = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership


def organisation_of(user: AnyUser) -> Organisation | None:
    """The organisation the user acts for."""
    membership = membership_of(user)
    return membership.organisation if membership else None


def has_capability(user: AnyUser, capability: Capability) -> bool:
    """Whether the user's role gives them this capability."""
    membership = membership_of(user)
    return membership is not None and role_can(membership.role, capability)


def require_capability(user: AnyUser, capability: Capability) -> Membership:
    """The user's membership if their role has the capability; otherwise PermissionDenied."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, capability):
        raise PermissionDenied(f"needs the {capability.value} capability")
    return membership


def two_factor_required_for(user: AnyUser, *, partnership_requires: bool | None = None) -> bool:
    """Whether this user must pass two-factor sign-in: a partnership of their organisation
    requires it and their role sees personal data. `partnership_requires` is whether a
    partnership requires it, when the caller has just read that from the database (the
    sign-in middleware loads it with the user); otherwise it is looked up."""
    membership = membership_of(user)
    if membership is None:
        return False
    requires = (
        partnership_requires
        if partnership_requires is not None
        else membership.organisation.partnerships.filter(require_two_factor=True).exists()
    )
    return two_factor_required(membership.role, partnership_requires=requires)


def members_visible_to(user: AnyUser) -> QuerySet[Membership]:
    """Members the user may manage: their own organisation's, if they may manage members."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.MANAGE_MEMBERS):
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=membership.organisation_id).select_related(
        "user", "organisation"
    )


def access_member(user: AnyUser, membership_id: int) -> Membership:
    """A member record the user may manage, or 404 whether it is hidden or missing."""
    try:
        return members_visible_to(user).get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("No such member") from None


def assignable_roles(user: AnyUser) -> tuple[Role, ...]:
    """Roles this administrator may give."""
    membership = membership_of(user)
    return roles_assignable_by(membership.role) if membership else ()
