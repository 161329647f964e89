"""A referral from one organisation to another about a person (and optionally a case)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.cases.models import Case
from saferhub.organisations.models import Organisation
from saferhub.people.models import Person
from saferhub.referrals.rules import CONSENT_LABELS, SERVICE_LABELS, STATUS_LABELS, Status


class Referral(models.Model):
    """Sent by `from_organisation` to `to_organisation`; the person (and case) are shared
    with the receiving organisation when it is sent."""

    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    service = models.CharField(
        max_length=30, choices=[(k.value, v) for k, v in SERVICE_LABELS.items()]
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    details = models.TextField()
    consent = models.CharField(
        max_length=20, choices=[(k.value, v) for k, v in CONSENT_LABELS.items()]
    )
    consent_override_reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=[(k.value, v) for k, v in STATUS_LABELS.items()],
        default=Status.SENT.value,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["from_organisation", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person} to {self.to_organisation} ({self.get_service_display()})"
