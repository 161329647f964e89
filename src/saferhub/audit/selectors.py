"""Searching the audit trail. The search is itself audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import time

from django.db.models import QuerySet
from django.utils import timezone

from saferhub.audit.access import audit_events_visible_to
from saferhub.audit.models import AuditEvent
from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import AnyUser


@dataclass(frozen=True)
class AuditFilters:
    """What a supervisor searches by."""

    username: str = ""
    target_type: str = ""
    target_id: str = ""
    subject_id: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_payload(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.__dict__.items() if value not in ("", None)}


def audit_search(*, actor: AnyUser, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events the actor may see that match the filters, newest first; audited."""
    events = audit_events_visible_to(actor)
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.subject_id:
        events = events.filter(subject_id=filters.subject_id)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(
            occurred_at__gte=datetime.datetime.combine(filters.date_from, time.min, tzinfo=tz)
        )
    if filters.date_to:
        events = events.filter(
            occurred_at__lte=datetime.datetime.combine(filters.date_to, time.max, tzinfo=tz)
        )
    audit_record(
        actor=actor,
        action="audit.searched",
        operation=Operation.CONSULTATION,
        payload=filters.as_payload(),
    )
    return events.order_by("-id")
