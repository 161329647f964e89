"""A case is led by one organisation (its owner) and one lead officer; everything in it
(people, incidents, places, actions, reviews, notes, documents) hangs off the case."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from saferhub.cases.rules import CASE_TYPES, DEFAULT_FLAG_RULES, STATUS_LABELS, Status
from saferhub.incidents.models import Incident
from saferhub.organisations.models import Organisation, Partnership
from saferhub.people.models import Person
from saferhub.places.models import Place


def _document_storage() -> FileSystemStorage:
    """Documents live outside the web root and are served only through an access check."""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "case-documents", base_url=None)


class Case(models.Model):
    """One case of a configured type."""

    case_type = models.CharField(
        max_length=30, choices=[(c, t.label) for c, t in CASE_TYPES.items()]
    )
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases"
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases"
    )
    status = models.CharField(
        max_length=20,
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=Status.OPEN,
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    closure_notes = models.TextField(blank=True)
    people: models.ManyToManyField[Person, CasePerson] = models.ManyToManyField(
        Person, through="CasePerson", related_name="cases"
    )
    incidents = models.ManyToManyField(Incident, related_name="cases", blank=True)
    places = models.ManyToManyField(Place, related_name="cases", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    review_interval_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Set from a risk grade; otherwise the case type's"
    )
    review_interval_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner_organisation", "status"]),
            models.Index(fields=["lead_officer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class CasePerson(models.Model):
    """A person's part in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_link_per_person_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) in {self.case}"


class CaseAction(models.Model):
    """Something someone must do, by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_actions",
    )
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.description


class CaseReview(models.Model):
    """A scheduled review of the case (its interval follows the case type or the risk grade)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Review of {self.case} due {self.due_on}"


class CaseNote(models.Model):
    """A note on the case by a member of the lead or a contributing organisation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Note on {self.case} by {self.author}"


class CaseDocument(models.Model):
    """An uploaded document, checked by content type and size, stored outside the web root."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=_document_storage, upload_to="%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class PartnershipFlagRules(models.Model):
    """A partnership's own thresholds for the automatic flags: N or more incidents within M
    calendar months (cases.rules.FlagRules holds the defaults, used when a partnership has
    none). Changed only through cases.services.flag_rules_change."""

    D = DEFAULT_FLAG_RULES
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="flag_rules"
    )
    repeat_victim_count = models.PositiveSmallIntegerField(default=D.repeat_victim_count)
    repeat_victim_months = models.PositiveSmallIntegerField(default=D.repeat_victim_months)
    repeat_perpetrator_count = models.PositiveSmallIntegerField(default=D.repeat_perpetrator_count)
    repeat_perpetrator_months = models.PositiveSmallIntegerField(
        default=D.repeat_perpetrator_months
    )
    repeat_location_count = models.PositiveSmallIntegerField(default=D.repeat_location_count)
    repeat_location_months = models.PositiveSmallIntegerField(default=D.repeat_location_months)
    escalation_count = models.PositiveSmallIntegerField(default=D.escalation_count)
    escalation_months = models.PositiveSmallIntegerField(default=D.escalation_months)
    marac_months = models.PositiveSmallIntegerField(default=D.marac_months)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Flag rules of {self.partnership}"


class CaseEvent(models.Model):
    """One line of the case's history as case workers read it (opened, status changed,
    person linked, action completed...). The audit trail remains the authoritative record;
    this is the readable summary the services write beside it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return self.description
