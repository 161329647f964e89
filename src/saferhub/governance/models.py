"""Erasure: the register of records erased after their retention period.

The erased record itself stays (as a depersonalised placeholder, so counts by category,
month and area are kept); this row records that it was erased, when, by whom and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Organisation


class Erasure(models.Model):
    """One record whose personal data has been erased."""

    record_type = models.CharField(max_length=30)
    record_id = models.BigIntegerField()
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="erasures"
    )
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="erased_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} erased {self.erased_at:%Y-%m-%d}"
