"""Who may do what: capabilities, roles, and the one table that maps them.

Pure policy, no database. Capabilities are what the code checks; roles are what
administrators assign. To change what a role may do, change ROLE_CAPABILITIES and its test.
"""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    """Something a member may do. Checked by access functions, never by role name."""

    VIEW_PERSONAL_RECORDS = "view_personal_records"
    EDIT_PERSONAL_RECORDS = "edit_personal_records"
    VIEW_RISK_DETAIL = "view_risk_detail"
    SHARE_RECORDS = "share_records"
    EXPORT = "export"
    MANAGE_MARAC = "manage_marac"
    SUPERVISE_CASES = "supervise_cases"
    VIEW_AUDIT = "view_audit"
    VIEW_PERFORMANCE = "view_performance"
    LOAD_DATA = "load_data"
    PUBLISH_REPORTS = "publish_reports"
    MANAGE_MEMBERS = "manage_members"
    ADMINISTER_PARTNERSHIP = "administer_partnership"
    ADMINISTER_SYSTEM = "administer_system"


class Role(StrEnum):
    """A member's role in their organisation."""

    CASEWORKER = "caseworker"
    TEAM_MANAGER = "team_manager"
    ANALYST = "analyst"
    MARAC_COORDINATOR = "marac_coordinator"
    BOARD_MEMBER = "board_member"
    PARTNERSHIP_ADMINISTRATOR = "partnership_administrator"
    SYSTEM_ADMINISTRATOR = "system_administrator"

    @property
    def label(self) -> str:
        """The role's name as users read it."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CASEWORKER: "Caseworker",
    Role.TEAM_MANAGER: "Team manager",
    Role.ANALYST: "Analyst",
    Role.MARAC_COORDINATOR: "MARAC coordinator",
    Role.BOARD_MEMBER: "Board member",
    Role.PARTNERSHIP_ADMINISTRATOR: "Partnership administrator",
    Role.SYSTEM_ADMINISTRATOR: "System administrator",
}

C = Capability

# The one readable table. Least privilege: analysts and board members never see people;
# administrators run the partnership but do not read case files.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CASEWORKER: frozenset(
        {C.VIEW_PERSONAL_RECORDS, C.EDIT_PERSONAL_RECORDS, C.VIEW_RISK_DETAIL, C.SHARE_RECORDS}
    ),
    Role.TEAM_MANAGER: frozenset(
        {
            C.VIEW_PERSONAL_RECORDS,
            C.EDIT_PERSONAL_RECORDS,
            C.VIEW_RISK_DETAIL,
            C.SHARE_RECORDS,
            C.EXPORT,
            C.SUPERVISE_CASES,
            C.VIEW_AUDIT,
            C.VIEW_PERFORMANCE,
        }
    ),
    Role.ANALYST: frozenset({C.VIEW_PERFORMANCE, C.LOAD_DATA, C.EXPORT}),
    Role.MARAC_COORDINATOR: frozenset(
        {
            C.VIEW_PERSONAL_RECORDS,
            C.EDIT_PERSONAL_RECORDS,
            C.VIEW_RISK_DETAIL,
            C.SHARE_RECORDS,
            C.MANAGE_MARAC,
            C.VIEW_PERFORMANCE,
        }
    ),
    Role.BOARD_MEMBER: frozenset({C.VIEW_PERFORMANCE}),
    Role.PARTNERSHIP_ADMINISTRATOR: frozenset(
        {
            C.MANAGE_MEMBERS,
            C.ADMINISTER_PARTNERSHIP,
            C.VIEW_AUDIT,
            C.VIEW_PERFORMANCE,
            C.PUBLISH_REPORTS,
        }
    ),
    Role.SYSTEM_ADMINISTRATOR: frozenset(
        {C.MANAGE_MEMBERS, C.ADMINISTER_PARTNERSHIP, C.ADMINISTER_SYSTEM, C.VIEW_AUDIT}
    ),
}

# Capabilities that open personal data: a partnership may require two-factor sign-in for them.
PERSONAL_DATA_CAPABILITIES = frozenset(
    {C.VIEW_PERSONAL_RECORDS, C.EDIT_PERSONAL_RECORDS, C.VIEW_RISK_DETAIL, C.VIEW_AUDIT, C.EXPORT}
)


def capabilities_for(role: Role | str) -> frozenset[Capability]:
    """What a member with this role may do."""
    return ROLE_CAPABILITIES[Role(role)]


def role_can(role: Role | str, capability: Capability) -> bool:
    """Whether a member with this role has this capability."""
    return capability in capabilities_for(role)


def role_sees_personal_data(role: Role | str) -> bool:
    """Whether the role opens personal data (so two-factor sign-in can be required)."""
    return bool(capabilities_for(role) & PERSONAL_DATA_CAPABILITIES)


def two_factor_required(role: Role | str, *, partnership_requires: bool) -> bool:
    """A member must use two-factor sign-in if a partnership of theirs requires it for
    roles that see personal data."""
    return partnership_requires and role_sees_personal_data(role)


def roles_assignable_by(role: Role | str) -> tuple[Role, ...]:
    """Roles an administrator with `role` may give: never one with more power than their own.

    Only a system administrator may appoint another system administrator.
    """
    if Role(role) is Role.SYSTEM_ADMINISTRATOR:
        return tuple(Role)
    if role_can(role, C.MANAGE_MEMBERS):
        return tuple(r for r in Role if r is not Role.SYSTEM_ADMINISTRATOR)
    return ()


CAPABILITY_LABELS: dict[Capability, str] = {
    C.VIEW_PERSONAL_RECORDS: "see people, places, incidents and cases your organisation holds or is shared",
    C.EDIT_PERSONAL_RECORDS: "record and change people, incidents and cases",
    C.VIEW_RISK_DETAIL: "see risk assessments in full",
    C.SHARE_RECORDS: "share records with another organisation",
    C.EXPORT: "export records and figures",
    C.MANAGE_MARAC: "run MARAC meetings",
    C.SUPERVISE_CASES: "supervise cases and reviews",
    C.VIEW_AUDIT: "search the audit trail",
    C.VIEW_PERFORMANCE: "see performance figures",
    C.LOAD_DATA: "load police.uk and partner data",
    C.PUBLISH_REPORTS: "publish performance reports",
    C.MANAGE_MEMBERS: "manage your organisation's members",
    C.ADMINISTER_PARTNERSHIP: "administer the partnership",
    C.ADMINISTER_SYSTEM: "administer SaferHub",
}
