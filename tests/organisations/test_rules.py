"""The role/capability table: least privilege, pinned role by role."""

import pytest

from saferhub.organisations.rules import (
    CAPABILITY_LABELS,
    ROLE_CAPABILITIES,
    Capability,
    Role,
    capabilities_for,
    role_can,
    role_sees_personal_data,
    roles_assignable_by,
    two_factor_required,
)

C = Capability


def test_every_role_has_a_row_and_every_capability_a_label() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role)
    assert set(CAPABILITY_LABELS) == set(Capability)


@pytest.mark.parametrize(
    "role",
    [Role.ANALYST, Role.BOARD_MEMBER, Role.PARTNERSHIP_ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR],
)
def test_roles_that_do_not_handle_cases_never_see_personal_records(role: Role) -> None:
    assert not role_can(role, C.VIEW_PERSONAL_RECORDS)
    assert not role_can(role, C.VIEW_RISK_DETAIL)


def test_board_members_only_see_performance() -> None:
    assert capabilities_for(Role.BOARD_MEMBER) == {C.VIEW_PERFORMANCE}


def test_only_administrators_manage_members() -> None:
    managers = {role for role in Role if role_can(role, C.MANAGE_MEMBERS)}
    assert managers == {Role.PARTNERSHIP_ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR}


def test_publishing_is_separate_from_analysis() -> None:
    assert role_can(Role.PARTNERSHIP_ADMINISTRATOR, C.PUBLISH_REPORTS)
    assert not role_can(Role.ANALYST, C.PUBLISH_REPORTS)
    assert role_can(Role.ANALYST, C.LOAD_DATA)


def test_supervisors_and_administrators_read_the_audit_trail_caseworkers_do_not() -> None:
    assert role_can(Role.TEAM_MANAGER, C.VIEW_AUDIT)
    assert not role_can(Role.CASEWORKER, C.VIEW_AUDIT)


def test_role_values_from_the_database_are_accepted() -> None:
    assert role_can("caseworker", C.EDIT_PERSONAL_RECORDS)
    with pytest.raises(ValueError):
        capabilities_for("superuser")


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.CASEWORKER, True),
        (Role.TEAM_MANAGER, True),
        (Role.MARAC_COORDINATOR, True),
        (Role.ANALYST, True),  # exports figures that may be personal
        (Role.BOARD_MEMBER, False),
        (Role.PARTNERSHIP_ADMINISTRATOR, True),  # reads the audit trail
        (Role.SYSTEM_ADMINISTRATOR, True),
    ],
)
def test_two_factor_follows_personal_data_and_the_partnership_setting(
    role: Role, sees: bool
) -> None:
    assert role_sees_personal_data(role) is sees
    assert two_factor_required(role, partnership_requires=True) is sees
    assert two_factor_required(role, partnership_requires=False) is False


def test_administrators_cannot_create_system_administrators_but_system_administrators_can() -> None:
    assert Role.SYSTEM_ADMINISTRATOR not in roles_assignable_by(Role.PARTNERSHIP_ADMINISTRATOR)
    assert Role.CASEWORKER in roles_assignable_by(Role.PARTNERSHIP_ADMINISTRATOR)
    assert set(roles_assignable_by(Role.SYSTEM_ADMINISTRATOR)) == set(Role)
    assert roles_assignable_by(Role.CASEWORKER) == ()
