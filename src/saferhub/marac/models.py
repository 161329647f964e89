"""MARAC models: referrals (with the victim's details as recorded for the data form),
meetings with their member organisations, agenda items, each agency's research notes,
actions per agency, and restricted minutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from saferhub.cases.models import Case
from saferhub.marac.rules import CRITERION_LABELS, YES_NO_UNKNOWN_LABELS, YesNoUnknown
from saferhub.organisations.models import Organisation, Partnership
from saferhub.people.models import Person
from saferhub.risk.models import Assessment

YES_NO_UNKNOWN = [(k.value, v) for k, v in YES_NO_UNKNOWN_LABELS.items()]


class MaracReferral(models.Model):
    """A case referred to a partnership's MARAC for one victim.

    The victim's gender, ethnicity, disability, LGBT+ identity and age are recorded as they
    were at referral, so the quarterly data form never changes when a person record does.
    `is_repeat` is set by the service: any referral within 12 months of the victim's
    previous one (marac.rules.is_repeat).
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="marac_referrals"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="marac_referrals")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="marac_referrals")
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marac_referrals",
    )
    referring_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="marac_referrals_made"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField(db_index=True)
    criterion = models.CharField(
        max_length=30, choices=[(k.value, v) for k, v in CRITERION_LABELS.items()]
    )
    reasons = models.TextField()
    is_repeat = models.BooleanField(default=False)
    previous_referral = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    children_in_household = models.PositiveSmallIntegerField(default=0)
    victim_gender = models.CharField(max_length=20, blank=True)
    victim_ethnicity = models.CharField(max_length=100, blank=True)
    victim_disability = models.CharField(
        max_length=10, choices=YES_NO_UNKNOWN, default=YesNoUnknown.NOT_KNOWN.value
    )
    victim_lgbt_plus = models.CharField(
        max_length=10, choices=YES_NO_UNKNOWN, default=YesNoUnknown.NOT_KNOWN.value
    )
    victim_age = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["victim", "referred_on"])]

    def __str__(self) -> str:
        return f"MARAC referral of {self.victim} on {self.referred_on:%d %b %Y}"


class MaracMeeting(models.Model):
    """One MARAC meeting of a partnership, with the organisations that sit on it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="marac_meetings"
    )
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="marac_meetings_run"
    )
    organisations = models.ManyToManyField(Organisation, related_name="marac_meetings")
    held_on = models.DateField(db_index=True)
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(blank=True, help_text="Restricted")
    share_days = models.PositiveSmallIntegerField(
        default=365, help_text="Records shared for the meeting stay shared this many days"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"MARAC on {self.held_on:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("marac:meeting-detail", args=[self.pk])


class AgendaItem(models.Model):
    """A referred case on a meeting's agenda."""

    meeting = models.ForeignKey(MaracMeeting, on_delete=models.CASCADE, related_name="items")
    referral = models.ForeignKey(
        MaracReferral, on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "referral"], name="one_agenda_item_per_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.referral}"


class ResearchNote(models.Model):
    """What one agency found in its own records about an agenda item's case."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="research_notes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Research by {self.organisation} on {self.item}"


class MaracAction(models.Model):
    """An action agreed at the meeting for one agency, due by a date."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=500)
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.description
