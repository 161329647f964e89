"""Who may read the audit trail: supervisors and administrators, for their own organisation
(events by its members or about its records); system administrators for everything."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from saferhub.audit.models import AuditEvent
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can


def audit_events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit events this user may search."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_AUDIT):
        return AuditEvent.objects.none()
    if role_can(membership.role, Capability.ADMINISTER_SYSTEM):
        return AuditEvent.objects.all()
    org = membership.organisation_id
    return AuditEvent.objects.filter(
        Q(actor_organisation_id=org) | Q(record_owner_organisation_id=org)
    )
