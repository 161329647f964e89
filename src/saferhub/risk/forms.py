"""Risk forms: one question per radio group (yes, no, not known) built from the stored
questionnaire version, the person assessed, children in the household and professional
judgement; and the Community Trigger application date. GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.cases.rules import FLAG_RULE_FIELDS, FLAG_RULE_WORDS, flag_rules_problems
from saferhub.risk import rules
from saferhub.risk.models import Assessment, Questionnaire
from saferhub.risk.selectors import question_text
from saferhub.risk.services import definition_of
from saferhub.web.forms import GovukDateField

ANSWER_CHOICES = [(a.value, label) for a, label in rules.ANSWER_LABELS.items()]


class AssessmentForm(forms.Form):
    """A DASH or ASB assessment. Every question must be answered: the error summary lists
    each unanswered one."""

    person = forms.TypedChoiceField(
        label="Who is being assessed?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person being assessed"},
    )

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        kind: str,
        people: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        person_field = self.fields["person"]
        if isinstance(person_field, forms.TypedChoiceField):
            person_field.choices = people
            if len(people) == 1:
                person_field.initial = people[0][0]
        self.definition = definition_of(questionnaire)
        self.question_ids = self.definition.question_ids
        for number, question in enumerate(self.definition.questions, 1):
            self.fields[question.id] = forms.ChoiceField(
                label=f"{number}. {question_text(questionnaire, question)}",
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer to question {number}: {question.topic}",
                    "invalid_choice": f"Select an answer to question {number}: {question.topic}",
                },
            )
        if kind == Assessment.Kind.DASH:
            self.fields["children_in_household"] = forms.IntegerField(
                label="How many children are in the household?",
                help_text="Include unborn children and children who visit. Enter 0 if none",
                min_value=0,
                max_value=30,
                error_messages={
                    "required": "Enter how many children are in the household, or 0",
                    "invalid": "Number of children must be a whole number, like 2",
                    "min_value": "Number of children must be 0 or more",
                    "max_value": "Number of children must be 30 or fewer",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
                ),
            )
        self.fields["judged_grade"] = forms.ChoiceField(
            label="Professional judgement",
            help_text="You may raise the grade the answers give, never lower it",
            choices=[
                ("", "Use the grade the answers give"),
                (rules.Grade.MEDIUM.value, "Raise to Medium"),
                (rules.Grade.HIGH.value, "Raise to High"),
            ],
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["judgement_reasons"] = forms.CharField(
            label="Reasons for raising the grade",
            help_text="Needed if you raise the grade",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("judged_grade") and not (data.get("judgement_reasons") or "").strip():
            self.add_error(
                "judgement_reasons",
                "Enter the reasons for raising the grade on professional judgement",
            )
        return data

    def answers(self) -> dict[str, str]:
        return {qid: self.cleaned_data[qid] for qid in self.question_ids}

    def judged(self) -> rules.Grade | None:
        value = self.cleaned_data.get("judged_grade")
        return rules.Grade(value) if value else None


class TriggerForm(forms.Form):
    """The date the Community Trigger application was made."""

    application_on = GovukDateField(
        label="Date of the application",
        help_text="For example, 27 3 2026. Leave blank for today",
        required=False,
    )


SETTINGS_LABELS: dict[str, tuple[str, str]] = {
    "dash_medium_from": ("DASH: Medium from this many yes answers", "Default 10"),
    "dash_high_from": ("DASH: High from this many yes answers", "Default 14"),
    "asb_medium_from": ("ASB risk: Medium from this score", "Default 12"),
    "asb_high_from": ("ASB risk: High from this score", "Default 22"),
    "asb_review_days_high": ("Days between reviews of a High risk ASB case", "Default 14"),
    "asb_review_days_medium": ("Days between reviews of a Medium risk ASB case", "Default 28"),
    "asb_review_days_standard": (
        "Days between reviews of a Standard risk ASB case",
        "Default 28, the ASB case type’s usual interval",
    ),
    "trigger_complaints": ("Community Trigger: qualifying complaints needed", "Default 3"),
    "trigger_complaint_within_months": (
        "Community Trigger: months from the behaviour to the complaint",
        "Default 1",
    ),
    "trigger_application_within_months": (
        "Community Trigger: months from the complaint to the application",
        "Default 6",
    ),
}

# The automatic flags (cases.rules.FlagRules), one fieldset each: legend, hint, and the
# label of each field. Labels are short because the legend names the flag.
FLAG_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Repeat victim",
        "ASB incidents in which the same person is the victim or complainant. Default 3 in 3 months",
        (("repeat_victim_count", "Number of ASB incidents"), ("repeat_victim_months", "Months")),
    ),
    (
        "Repeat perpetrator",
        "Incidents in which the same person is the suspect or perpetrator. Default 3 in 12 months",
        (
            ("repeat_perpetrator_count", "Number of incidents"),
            ("repeat_perpetrator_months", "Months"),
        ),
    ),
    (
        "Repeat location",
        "Incidents at the same place. Default 3 in 3 months",
        (("repeat_location_count", "Number of incidents"), ("repeat_location_months", "Months")),
    ),
    (
        "Potential escalation",
        "Domestic abuse incidents between the same victim and perpetrator. Default 3 in 12 "
        "months. The MARAC referral form suggests the potential escalation criterion on the "
        "same rule",
        (
            ("escalation_count", "Number of domestic abuse incidents"),
            ("escalation_months", "Months"),
        ),
    ),
    (
        "MARAC referral",
        "How long a person shows the MARAC referral flag after a referral. Default 12 months",
        (("marac_months", "Months"),),
    ),
)

# The risk settings, in sections (heading, fields).
RISK_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DASH risk grades", ("dash_medium_from", "dash_high_from")),
    (
        "ASB risk grades and review intervals",
        (
            "asb_medium_from",
            "asb_high_from",
            "asb_review_days_high",
            "asb_review_days_medium",
            "asb_review_days_standard",
        ),
    ),
    (
        "Community Trigger (ASB case review)",
        (
            "trigger_complaints",
            "trigger_complaint_within_months",
            "trigger_application_within_months",
            "trigger_hate_counts",
        ),
    ),
)


def _number_field(label: str, hint: str, *, required: str, invalid: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=hint,
        error_messages={"required": required, "invalid": invalid},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class RiskSettingsForm(forms.Form):
    """A partnership's settings page: the automatic flag thresholds, DASH and ASB grade
    thresholds, ASB review intervals and Community Trigger rules. The checks beyond "a whole
    number" are the rules' own (cases.rules.flag_rules_problems and
    risk.rules.thresholds_problems), so the page and the services refuse the same values."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    flag_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dash_max: int, asb_max: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dash_max, self.asb_max = dash_max, asb_max
        for _legend, _hint, fields in FLAG_GROUPS:
            for name, label in fields:
                words = FLAG_RULE_WORDS[name]
                self.fields[name] = _number_field(
                    label,
                    "",
                    required=f"Enter {words[0].lower()}{words[1:]}",
                    invalid=f"{words} must be a whole number, like 3",
                )
        for name, (label, hint) in SETTINGS_LABELS.items():
            self.fields[name] = _number_field(
                label,
                hint,
                required=f"Enter a whole number for {label}",
                invalid=f"{label} must be a whole number, like 3",
            )
        self.fields["trigger_hate_counts"] = forms.BooleanField(
            label="Community Trigger: any qualifying hate-motivated complaint meets the threshold",
            required=False,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Fields that failed their own check already show why; the rules judge the rest.
        flags = {name: data[name] for name in FLAG_RULE_FIELDS if name in data}
        for name, problem in flag_rules_problems(flags).items():
            if name in flags:
                self.add_error(name, problem)
        risk = {name: data[name] for name in SETTINGS_LABELS if name in data}
        risk["trigger_hate_counts"] = bool(data.get("trigger_hate_counts"))
        problems = rules.thresholds_problems(risk, dash_max=self.dash_max, asb_max=self.asb_max)
        for name, problem in problems.items():
            if name in risk:
                self.add_error(name, problem)
        return data

    def flag_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """The flag fieldsets for the template: legend, hint and bound fields."""
        return [
            (legend, hint, [self[name] for name, _label in fields])
            for legend, hint, fields in FLAG_GROUPS
        ]

    def risk_sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The risk settings sections for the template: heading and bound fields."""
        return [(heading, [self[name] for name in names]) for heading, names in RISK_SECTIONS]

    def values(self) -> dict[str, int | bool]:
        """The risk settings (RiskSettings) entered."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in SETTINGS_LABELS or k == "trigger_hate_counts"
        }

    def flag_values(self) -> dict[str, int]:
        """The flag thresholds (PartnershipFlagRules) entered."""
        return {k: int(self.cleaned_data[k]) for k in FLAG_RULE_FIELDS}
