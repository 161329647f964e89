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


@dataclass(frozen=True)
class RecordAccessEvent:
    """One view or disclosure of a record, as its owner's supervisors see it."""

    occurred_at: datetime.datetime
    actor_username: str
    actor_organisation: str
    action: str
    operation: str
    target_type: str
    target_id: str
    purpose: str


def record_access_events(
    *, owner_organisation_id: int, subject_id: str, limit: int = 500
) -> list[RecordAccessEvent]:
    """Views (consultation) and disclosures of the owner organisation's records about one
    person, newest first. The caller checks that its user may see them (supervisors of the
    owning organisation) and audits the look-up; events about other organisations' records
    are never included."""
    events = AuditEvent.objects.filter(
        record_owner_organisation_id=owner_organisation_id,
        subject_id=subject_id,
        operation__in=[Operation.CONSULTATION.value, Operation.DISCLOSURE.value],
        outcome="succeeded",
    ).order_by("-id")[:limit]
    return [
        RecordAccessEvent(
            occurred_at=event.occurred_at,
            actor_username=event.actor_username,
            actor_organisation=event.actor_organisation,
            action=event.action,
            operation=event.operation,
            target_type=event.target_type,
            target_id=event.target_id,
            purpose=event.purpose,
        )
        for event in events
    ]
