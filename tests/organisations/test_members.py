"""Members: administrators manage their own organisation only; hidden looks like missing."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from saferhub.audit.models import AuditEvent
from saferhub.organisations import services
from saferhub.organisations.access import access_member, members_visible_to
from saferhub.organisations.rules import Role

pytestmark = pytest.mark.django_db

ADMIN = Role.PARTNERSHIP_ADMINISTRATOR


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("org", ["own", "other"])
def test_member_access_matrix(make_member: Any, role: Role, org: str) -> None:
    """Every role x own/other organisation, for the list and the detail alike."""
    actor = make_member(role)
    target = make_member(Role.CASEWORKER, org)
    allowed = role in (Role.PARTNERSHIP_ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR) and org == "own"
    assert (target in members_visible_to(actor.user)) is allowed
    if allowed:
        assert access_member(actor.user, target.pk) == target
    else:
        with pytest.raises(Http404):
            access_member(actor.user, target.pk)


def test_deactivated_members_see_nothing(make_member: Any) -> None:
    admin = make_member(ADMIN)
    admin.is_active = False
    admin.save()
    assert not members_visible_to(admin.user).exists()


def test_member_add_issues_a_temporary_password_and_audits(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    admin = make_member(ADMIN)
    membership, password = services.member_add(
        actor=admin.user,
        organisation=organisations["own"],
        username="new.person",
        first_name="New",
        last_name="Person",
        email="new@example.test",
        role=Role.CASEWORKER,
    )
    assert membership.user.check_password(password)
    assert membership.user.must_change_password
    event = AuditEvent.objects.get(action="member.added", target_id=str(membership.pk))
    assert event.actor_id == admin.user.pk
    assert event.record_owner_organisation_id == organisations["own"].pk
    assert password not in str(event.payload)


def test_member_add_refuses_another_organisation(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    admin = make_member(ADMIN)
    with pytest.raises(PermissionDenied, match="own organisation"):
        services.member_add(
            actor=admin.user,
            organisation=organisations["other"],
            username="x",
            first_name="X",
            last_name="Y",
            email="x@example.test",
            role=Role.CASEWORKER,
        )


def test_member_add_refuses_a_role_above_the_administrator(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    admin = make_member(ADMIN)
    with pytest.raises(PermissionDenied, match="System administrator"):
        services.member_add(
            actor=admin.user,
            organisation=organisations["own"],
            username="x",
            first_name="X",
            last_name="Y",
            email="x@example.test",
            role=Role.SYSTEM_ADMINISTRATOR,
        )


def test_member_add_refuses_a_taken_username_case_insensitively(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    make_member(Role.CASEWORKER, username="taken")
    with pytest.raises(ValidationError):
        services.member_add(
            actor=None,
            organisation=organisations["own"],
            username="TAKEN",
            first_name="X",
            last_name="Y",
            email="x@example.test",
            role=Role.CASEWORKER,
        )


def test_member_change_refuses_a_stale_edit_and_saves_nothing(make_member: Any) -> None:
    admin = make_member(ADMIN)
    target = make_member(Role.CASEWORKER)
    services.member_change(
        actor=admin.user, membership=target, role=Role.TEAM_MANAGER, is_active=True, version=1
    )
    with pytest.raises(services.StaleEditError):
        services.member_change(
            actor=admin.user, membership=target, role=Role.ANALYST, is_active=True, version=1
        )
    target.refresh_from_db()
    assert target.role == Role.TEAM_MANAGER.value
    assert target.version == 2
    assert AuditEvent.objects.filter(action="member.changed").count() == 1


def test_administrators_cannot_demote_or_deactivate_themselves(make_member: Any) -> None:
    admin = make_member(ADMIN)
    with pytest.raises(ValidationError):
        services.member_change(
            actor=admin.user, membership=admin, role=ADMIN, is_active=False, version=1
        )
