"""Risk models: questionnaire versions stored as data, a partnership's risk settings, and
assessments that keep the questionnaire version, answers and thresholds they were scored with
(so an old score is always reproducible, whatever changes later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.cases.models import Case
from saferhub.organisations.models import Organisation, Partnership
from saferhub.people.models import Person
from saferhub.risk.rules import DEFAULT_THRESHOLDS, Grade

GRADE_CHOICES = [(g.value, g.label) for g in Grade]


class Questionnaire(models.Model):
    """One version of a questionnaire, loaded from the TOML files shipped in
    saferhub/risk/questionnaires/. A released version is never changed; `wording` holds the
    licensed official question text a deployment may load onto the same question ids."""

    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    definition = models.JSONField(help_text="The parsed definition file, as shipped")
    sha256 = models.CharField(max_length=64, help_text="Of the definition file")
    wording = models.JSONField(default=dict, blank=True)
    wording_source = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class RiskSettings(models.Model):
    """A partnership's risk thresholds and review intervals (defaults from DOMAIN.md)."""

    D = DEFAULT_THRESHOLDS
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="risk_settings"
    )
    dash_medium_from = models.PositiveSmallIntegerField(default=D.dash_medium_from)
    dash_high_from = models.PositiveSmallIntegerField(default=D.dash_high_from)
    asb_medium_from = models.PositiveSmallIntegerField(default=D.asb_medium_from)
    asb_high_from = models.PositiveSmallIntegerField(default=D.asb_high_from)
    asb_review_days_high = models.PositiveSmallIntegerField(default=D.asb_review_days_high)
    asb_review_days_medium = models.PositiveSmallIntegerField(default=D.asb_review_days_medium)
    asb_review_days_standard = models.PositiveSmallIntegerField(default=D.asb_review_days_standard)
    trigger_complaints = models.PositiveSmallIntegerField(default=D.trigger_complaints)
    trigger_complaint_within_months = models.PositiveSmallIntegerField(
        default=D.trigger_complaint_within_months
    )
    trigger_application_within_months = models.PositiveSmallIntegerField(
        default=D.trigger_application_within_months
    )
    trigger_hate_counts = models.BooleanField(default=D.trigger_hate_counts)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Risk settings for {self.partnership}"


class Assessment(models.Model):
    """A completed risk assessment of one person on one case.

    Stores the questionnaire version, every answer, the thresholds used, the calculated and
    final grades and any professional judgement, so the grade can be recomputed exactly.
    Assessments are never edited: a new one is made when circumstances change.
    """

    class Kind(models.TextChoices):
        DASH = "dash", "DASH risk identification checklist"
        ASB = "asb", "ASB victim risk assessment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_assessments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_assessments")
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField()
    medium_from = models.PositiveSmallIntegerField()
    high_from = models.PositiveSmallIntegerField()
    calculated_grade = models.CharField(max_length=10, choices=GRADE_CHOICES)
    grade = models.CharField(max_length=10, choices=GRADE_CHOICES)
    judgement_reasons = models.TextField(blank=True)
    children_in_household = models.PositiveSmallIntegerField(default=0)
    proposals = models.JSONField(default=list, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["case", "assessed_at"]),
            models.Index(fields=["person", "assessed_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} on {self.assessed_at:%d %b %Y}: {self.get_grade_display()}"
        )

    @property
    def grade_enum(self) -> Grade:
        return Grade(self.grade)

    @property
    def raised_by_judgement(self) -> bool:
        return self.grade != self.calculated_grade
