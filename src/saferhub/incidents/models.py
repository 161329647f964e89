"""An incident belongs to the organisation that recorded it, under that organisation's own
reference. People are linked to it with their role."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.incidents.rules import CATEGORIES, HATE_STRANDS, ROLE_LABELS
from saferhub.organisations.models import Organisation
from saferhub.people.models import Person
from saferhub.places.models import Place


class Incident(models.Model):
    """Something that happened, as one agency recorded it."""

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incidents"
    )
    reference = models.CharField(
        max_length=60, blank=True, help_text="The recording agency's own reference"
    )
    occurred_at = models.DateTimeField(db_index=True)
    category = models.CharField(max_length=60, choices=CATEGORIES)
    hate_strand = models.CharField(max_length=30, choices=HATE_STRANDS, blank=True)
    markers = models.JSONField(default=list, blank=True)
    narrative = models.TextField(blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    people: models.ManyToManyField[Person, Involvement] = models.ManyToManyField(
        Person, through="Involvement", related_name="incidents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["owner_organisation", "occurred_at"]),
            models.Index(fields=["place", "occurred_at"], name="incident_place_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_at:%d %b %Y}"


class Involvement(models.Model):
    """A person's part in an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(
        max_length=20, choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="one_role_per_person_per_incident"
            )
        ]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) in {self.incident}"
