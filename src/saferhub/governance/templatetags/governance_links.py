"""`{% load governance_links %}{% governance_links record_type record %}`: the sharing and
information governance links a record page shows, each only to members who may use it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from saferhub.organisations.access import AnyUser, has_capability, membership_of
from saferhub.organisations.rules import Capability
from saferhub.sharing.access import can_share

register = template.Library()


@register.inclusion_tag("governance/_record_links.html", takes_context=True)
def governance_links(context: dict[str, Any], record_type: str, record: Any) -> dict[str, Any]:
    """Links to the record's shares, and for a person who viewed them and their subject
    access export, for the members allowed to use each page."""
    request = context.get("request")
    links: list[tuple[str, str]] = []
    user: AnyUser | None = getattr(request, "user", None)
    if user is None:
        return {"links": links}
    membership = membership_of(user)
    if membership is None:
        return {"links": links}
    owner_id = getattr(record, "owner_organisation_id", None)
    if has_capability(user, Capability.VIEW_PERSONAL_RECORDS):
        label = (
            "Share or see who this is shared with"
            if owner_id is not None and can_share(user, owner_organisation_id=owner_id)
            else "Who this is shared with"
        )
        links.append((label, reverse("sharing:record-shares", args=[record_type, record.pk])))
    if record_type == "person":
        supervisor = has_capability(user, Capability.SUPERVISE_CASES) or has_capability(
            user, Capability.VIEW_AUDIT
        )
        if supervisor and owner_id == membership.organisation_id:
            links.append(
                (
                    "Who has viewed this person",
                    reverse("governance:person-viewers", args=[record.pk]),
                )
            )
        if has_capability(user, Capability.EXPORT) and has_capability(
            user, Capability.VIEW_PERSONAL_RECORDS
        ):
            links.append(
                ("Subject access export", reverse("governance:subject-access", args=[record.pk]))
            )
    return {"links": links}
