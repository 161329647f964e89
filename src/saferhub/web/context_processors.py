"""What every page's layout needs: the signed-in member and the navigation they may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from saferhub.organisations.access import membership_of
from saferhub.organisations.rules import Capability, role_can


@dataclass(frozen=True)
class NavItem:
    """One link in the service navigation."""

    label: str
    url: str
    active: bool


# (label, url name, capability needed or None for every signed-in member)
NAVIGATION: list[tuple[str, str, Capability | None]] = [
    ("Home", "web:home", None),
    ("Cases", "cases:mine", Capability.VIEW_PERSONAL_RECORDS),
    ("Search", "search:index", Capability.VIEW_PERSONAL_RECORDS),
    ("Referrals", "referrals:inbox", Capability.VIEW_PERSONAL_RECORDS),
    ("MARAC", "marac:home", Capability.VIEW_PERSONAL_RECORDS),
    ("Performance", "performance:index", Capability.VIEW_PERFORMANCE),
    ("Reports", "reports:index", Capability.VIEW_PERFORMANCE),
    ("Members", "organisations:member-list", Capability.MANAGE_MEMBERS),
    ("Risk settings", "risk:settings", Capability.ADMINISTER_PARTNERSHIP),
    ("Casework figures", "casework_mi:figures", Capability.SUPERVISE_CASES),
    ("Governance", "governance:index", Capability.VIEW_PERSONAL_RECORDS),
    ("Audit", "audit:search", Capability.VIEW_AUDIT),
    ("Load data", "dataloads:load-list", Capability.LOAD_DATA),
]


def layout(request: HttpRequest) -> dict[str, object]:
    """The member (organisation and role) and the navigation items for the header."""
    user = getattr(request, "user", None)  # absent on pages rendered before sign-in middleware
    membership = membership_of(user) if user is not None else None
    items: list[NavItem] = []
    if membership is not None:
        for label, name, capability in NAVIGATION:
            if capability is None or role_can(membership.role, capability):
                url = reverse(name)
                active = request.path == url if url == "/" else request.path.startswith(url)
                items.append(NavItem(label, url, active))
    return {"membership": membership, "navigation": items}
