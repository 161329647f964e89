"""AuditEvent: append-only. Only saferhub.audit.services writes it (import-linter and a test
enforce this); on PostgreSQL a trigger refuses UPDATE and DELETE outright."""

from __future__ import annotations

from typing import Any

from django.db import models

from saferhub.audit.rules import Operation, Outcome


class AuditEvent(models.Model):
    """One thing that happened: who, in which organisation, did what to which record, why."""

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_organisation_id = models.BigIntegerField(null=True, db_index=True)
    actor_organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    operation = models.CharField(max_length=20, choices=[(o.value, o.value) for o in Operation])
    outcome = models.CharField(max_length=10, choices=[(o.value, o.value) for o in Outcome])
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    record_owner_organisation_id = models.BigIntegerField(null=True, db_index=True)
    subject_id = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="The person the record is about."
    )
    purpose = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict)
    request_id = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    def hashed_fields(self) -> dict[str, Any]:
        """Every recorded field that the hash covers, in a database-independent form."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_organisation_id": self.actor_organisation_id,
            "actor_organisation": self.actor_organisation,
            "action": self.action,
            "operation": self.operation,
            "outcome": self.outcome,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "record_owner_organisation_id": self.record_owner_organisation_id,
            "subject_id": self.subject_id,
            "purpose": self.purpose,
            "payload": self.payload,
            "request_id": self.request_id,
            "ip_address": self.ip_address,
        }


class AuditChainHead(models.Model):
    """A single row naming the newest event: writers lock it so the chain never forks, and
    verification uses it to notice events removed from the end."""

    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at event {self.last_event_id}"
