"""Changes to partnerships, organisations and members. Each runs in one transaction and
writes its audit event inside it."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import assignable_roles, require_capability
from saferhub.organisations.models import Membership, Organisation, Partnership
from saferhub.organisations.rules import Capability, Role

Actor = AbstractBaseUser | AnonymousUser


class StaleEditError(Exception):
    """Someone else changed the record since the form was opened; nothing was saved."""


@transaction.atomic
def partnership_create(
    *,
    actor: Actor | None,
    name: str,
    kind: Partnership.Kind,
    code: str = "",
    overseen_by: Partnership | None = None,
    require_two_factor: bool = True,
    is_synthetic: bool = False,
) -> Partnership:
    """Create a partnership (CSP or county board)."""
    partnership = Partnership.objects.create(
        name=name,
        slug=slugify(name)[:80],
        kind=kind,
        code=code,
        overseen_by=overseen_by,
        require_two_factor=require_two_factor,
        is_synthetic=is_synthetic,
    )
    audit_record(
        actor=actor,
        action="partnership.created",
        operation=Operation.COLLECTION,
        target_type="partnership",
        target_id=partnership.pk,
        payload={"name": name, "kind": kind.value},
    )
    return partnership


@transaction.atomic
def organisation_create(
    *,
    actor: Actor | None,
    name: str,
    kind: Organisation.Kind,
    partnerships: list[Partnership],
) -> Organisation:
    """Create an organisation (agency) serving the given partnerships."""
    organisation = Organisation.objects.create(name=name, slug=slugify(name)[:80], kind=kind)
    organisation.partnerships.set(partnerships)
    audit_record(
        actor=actor,
        action="organisation.created",
        operation=Operation.COLLECTION,
        target_type="organisation",
        target_id=organisation.pk,
        record_owner_organisation_id=organisation.pk,
        payload={"name": name, "kind": kind.value, "partnerships": [p.slug for p in partnerships]},
    )
    return organisation


def temporary_password() -> str:
    """A random password to hand over once; the member must change it at first sign-in."""
    return secrets.token_urlsafe(12)


@transaction.atomic
def member_add(
    *,
    actor: Actor | None,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    password: str | None = None,
) -> tuple[Membership, str]:
    """Add a member to an organisation; returns the membership and the temporary password.

    A signed-in actor may add members only to their own organisation and only with roles
    they may assign. `actor=None` is for the command line (first administrator, demo data).
    """
    if actor is not None:
        own = require_capability(actor, Capability.MANAGE_MEMBERS)
        if own.organisation_id != organisation.pk:
            raise PermissionDenied("administrators manage members of their own organisation only")
        if role not in assignable_roles(actor):
            raise PermissionDenied(f"you may not give the role {role.label}")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is already taken"})
    issued = password or temporary_password()
    user = user_model.objects.create_user(
        username=username,
        email=email,
        password=issued,
        first_name=first_name,
        last_name=last_name,
        must_change_password=password is None,
    )
    membership = Membership.objects.create(user=user, organisation=organisation, role=role.value)
    audit_record(
        actor=actor,
        action="member.added",
        operation=Operation.COLLECTION,
        target_type="member",
        target_id=membership.pk,
        record_owner_organisation_id=organisation.pk,
        payload={"username": username, "role": role.value, "organisation": organisation.slug},
    )
    return membership, issued


@transaction.atomic
def member_change(
    *, actor: Actor, membership: Membership, role: Role, is_active: bool, version: int
) -> Membership:
    """Change a member's role or active state, refusing a stale edit.

    Administrators cannot change their own role or deactivate themselves, so an
    organisation is never left without an administrator by accident.
    """
    own = require_capability(actor, Capability.MANAGE_MEMBERS)
    if own.organisation_id != membership.organisation_id:
        raise PermissionDenied("administrators manage members of their own organisation only")
    if membership.pk == own.pk and (role.value != membership.role or not is_active):
        raise ValidationError({"role": "You cannot change your own role or deactivate yourself"})
    if role not in assignable_roles(actor) and role.value != membership.role:
        raise PermissionDenied(f"you may not give the role {role.label}")
    updated = Membership.objects.filter(pk=membership.pk, version=version).update(
        role=role.value, is_active=is_active, version=version + 1
    )
    if updated == 0:
        raise StaleEditError("This member was changed by someone else while you were editing")
    before = {"role": membership.role, "is_active": membership.is_active}
    membership.refresh_from_db()
    audit_record(
        actor=actor,
        action="member.changed",
        operation=Operation.ALTERATION,
        target_type="member",
        target_id=membership.pk,
        record_owner_organisation_id=membership.organisation_id,
        payload={"before": before, "after": {"role": role.value, "is_active": is_active}},
    )
    return membership
