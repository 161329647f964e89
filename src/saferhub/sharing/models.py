"""RecordShare: an organisation's grant of access to one of its records to another.

Records belong to their owner (lead) organisation. Another organisation sees a record only
through an active share: granted by a member of the owner with the share capability, naming
the legal basis, with an expiry date. Record types are plain strings ("person", "case",
"incident") so one table serves every record type without generic foreign keys.

A share is either a member's own decision, or derived from something else that needs it: a
case share cascading to the case's linked records (`cascaded_from`), a case on a MARAC
agenda or a referral to another agency (`origin_type` and `origin_id`, plain strings like
the record type, because sharing sits below the apps that grant them). A derived share ends
when its origin ends (ADR 0009).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Organisation
from saferhub.sharing.rules import origin_label


class LegalBasis(models.TextChoices):
    """Why sharing is lawful (the data sharing agreement names which apply)."""

    CDA_1998_S115 = "cda_1998_s115", "Crime and Disorder Act 1998, section 115"
    DPA_2018_S8 = "dpa_2018_s8", "Data Protection Act 2018, section 8 (public task)"
    PCSC_2022_S16 = "pcsc_2022_s16", "Police, Crime, Sentencing and Courts Act 2022, section 16"
    CHILDREN_ACT_1989 = "children_act_1989", "Children Act 1989 (safeguarding children)"
    CARE_ACT_2014 = "care_act_2014", "Care Act 2014 (safeguarding adults)"
    CONSENT = "consent", "Consent of the person"


class AccessLevel(models.TextChoices):
    """What the receiving organisation may do with the record."""

    VIEW = "view", "View"
    CONTRIBUTE = "contribute", "View and add notes and actions"


class RecordShare(models.Model):
    """One record shared with one organisation."""

    record_type = models.CharField(max_length=30)
    record_id = models.BigIntegerField()
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares_granted"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares_received"
    )
    access_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.VIEW
    )
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    reason = models.CharField(max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cascaded_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cascaded",
        help_text="The share of a case that created this share of a linked record.",
    )
    origin_type = models.CharField(
        max_length=30,
        blank=True,
        default="",
        help_text="What granted this share, when not a member's own decision "
        "(for example marac_agenda_item or referral); it ends when that ends.",
    )
    origin_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["record_type", "organisation", "record_id"]),
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["origin_type", "origin_id"], name="share_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} shared with {self.organisation}"

    def is_active_on(self, day: datetime.date) -> bool:
        """In force on `day`: not revoked and not yet expired."""
        return self.revoked_at is None and self.expires_on >= day

    @property
    def origin_label(self) -> str:
        """What granted this share, for the sharing pages ('' for a member's decision)."""
        return origin_label(self.origin_type)
