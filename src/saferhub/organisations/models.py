"""Partnerships, organisations and memberships.

A Partnership is a Community Safety Partnership (CSP) or a county-level board that oversees
several CSPs. An Organisation is an agency (police force, council, fire and rescue...) that
may serve several partnerships. A Membership places one user in one organisation with one role.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.organisations.rules import Role


class Partnership(models.Model):
    """A CSP or a county board (a board oversees several CSPs)."""

    class Kind(models.TextChoices):
        CSP = "csp", "Community Safety Partnership"
        COUNTY_BOARD = "county_board", "County board"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(
        max_length=9, blank=True, help_text="ONS code (E22/W22 for a CSP), where there is one"
    )
    overseen_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overseen_partnerships",
        limit_choices_to={"kind": "county_board"},
    )
    require_two_factor = models.BooleanField(
        default=True,
        help_text="Members whose roles see personal data must use two-factor sign-in.",
    )
    retention_years = models.PositiveSmallIntegerField(
        default=6, help_text="How long personal records are kept after closure before review."
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Demo data: fictional places, organisations and people."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An agency in one or more partnerships. Each organisation owns the records it creates."""

    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force"
        DISTRICT_COUNCIL = "district_council", "District council"
        COUNTY_COUNCIL = "county_council", "County council"
        UNITARY_COUNCIL = "unitary_council", "Unitary council"
        FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue service"
        PROBATION = "probation", "Probation service"
        HEALTH = "health", "Health (integrated care board)"
        HOUSING_PROVIDER = "housing_provider", "Housing provider"
        VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector service"
        PCC_OFFICE = "pcc_office", "Office of the Police and Crime Commissioner"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    partnerships = models.ManyToManyField(Partnership, related_name="organisations")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in an organisation, with the role that decides their capabilities.

    One membership per user: someone who works for two agencies has two accounts, so every
    action is attributable to one organisation (see docs/adr/0003-access-model.md).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in Role])
    is_active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Incremented on every change, to refuse stale edits."
    )

    class Meta:
        ordering = ["organisation__name", "user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def role_enum(self) -> Role:
        """The role as the policy table knows it."""
        return Role(self.role)
