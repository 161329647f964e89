"""A person record belongs to the organisation that created it (its owner). Other
organisations see it only through a share or a case they can see (people/access.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Organisation


class Person(models.Model):
    """Someone an agency works with: victim, perpetrator, witness, subject of a case."""

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NON_BINARY = "non_binary", "Non-binary"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known"

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is not known"
    )
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability = models.CharField(max_length=300, blank=True)
    vulnerabilities = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    safe_contact_instructions = models.TextField(
        blank=True, help_text="For example: do not call after 5pm, perpetrator at home"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    # Blocking keys for the known-person check and search (people.matching), kept in step
    # with the names by the services: never typed by anyone.
    family_norm = models.CharField(max_length=100, blank=True, db_index=True)
    family_key = models.CharField(max_length=4, blank=True)
    given_key = models.CharField(max_length=4, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner_organisation", "family_name"]),
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["family_key", "given_key"], name="person_name_keys"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class PersonName(models.Model):
    """Another name the person is or was known by."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        PREVIOUS = "previous", "Previous or maiden name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(max_length=4, blank=True)
    given_key = models.CharField(max_length=4, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["family_key", "given_key"], name="personname_name_keys"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_kind_display()})"


class PersonGroup(models.Model):
    """A group of people, for example young people involved in ASB together. It belongs to
    the organisation that created it, like a person record (people/access.py); a member
    sees only the members they may see."""

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="person_groups"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, related_name="groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["owner_organisation", "name"])]

    def __str__(self) -> str:
        return self.name


class MergeProposal(models.Model):
    """A proposal that two person records are the same person: proposed by one member,
    approved or rejected by a supervisor. On approval the duplicate is merged into the
    survivor (merged_into), its links move to the survivor, and the duplicate stays for audit.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for approval"
        APPROVED = "approved", "Approved and merged"
        REJECTED = "rejected", "Rejected"

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Merge {self.duplicate_id} into {self.survivor_id} ({self.status})"
