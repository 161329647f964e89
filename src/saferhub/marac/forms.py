"""MARAC forms with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from saferhub.marac import rules
from saferhub.web.forms import GovukDateField

YES_NO_UNKNOWN = [(k.value, v) for k, v in rules.YES_NO_UNKNOWN_LABELS.items()]


def _radios(
    label: str, choices: list[tuple[Any, str]], message: str, **kwargs: Any
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class ReferralForm(forms.Form):
    """Refer a case to MARAC."""

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        partnerships: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim"] = _radios(
            "Who is the victim?", people, "Select the victim", coerce=int
        )
        self.fields["partnership"] = _radios(
            "Which partnership's MARAC?", partnerships, "Select the partnership", coerce=int
        )
        self.fields["criterion"] = _radios(
            "Referral criterion",
            [(k.value, v) for k, v in rules.CRITERION_LABELS.items()],
            "Select the referral criterion",
        )
        self.fields[
            "criterion"
        ].help_text = (
            "A repeat is detected automatically if the victim was referred in the last 12 months"
        )
        self.fields["reasons"] = forms.CharField(
            label="Why are you referring this case?",
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": "Enter why you are referring this case to MARAC"},
        )
        self.fields["referred_on"] = GovukDateField(
            label="Date of referral",
            help_text="For example, 27 3 2026",
            error_messages={"required": "Enter the date of referral"},
        )
        self.fields["children_in_household"] = forms.IntegerField(
            label="How many children are in the household?",
            help_text="Enter 0 if none",
            min_value=0,
            max_value=30,
            error_messages={
                "required": "Enter how many children are in the household, or 0",
                "invalid": "Number of children must be a whole number, like 2",
                "min_value": "Number of children must be 0 or more",
                "max_value": "Number of children must be 30 or fewer",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        )
        self.fields["victim_disability"] = _radios(
            "Does the victim have a disability?",
            YES_NO_UNKNOWN,
            "Select yes, no or not known for disability",
        )
        self.fields["victim_lgbt_plus"] = _radios(
            "Does the victim identify as lesbian, gay, bisexual, transgender or another minority sexual orientation or gender identity (LGBT+)?",
            YES_NO_UNKNOWN,
            "Select yes, no or not known for LGBT+",
        )

    def clean_referred_on(self) -> Any:
        value = self.cleaned_data.get("referred_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of referral must be today or in the past")
        return value


class MeetingForm(forms.Form):
    """Plan a MARAC meeting."""

    def __init__(self, *args: Any, partnerships: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"] = _radios(
            "Partnership", partnerships, "Select the partnership", coerce=int
        )
        self.fields["held_on"] = GovukDateField(
            label="Date of the meeting",
            help_text="For example, 27 3 2026",
            error_messages={"required": "Enter the date of the meeting"},
        )
        self.fields["location"] = forms.CharField(
            label="Where (optional)", required=False, max_length=200
        )


class AgendaForm(forms.Form):
    """Add a referred case to the agenda."""

    def __init__(self, *args: Any, referrals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"] = forms.TypedChoiceField(
            label="Referred case",
            choices=[("", "Select a referral"), *referrals],
            coerce=int,
            error_messages={"required": "Select a referral to add"},
        )


class AgendaRemoveForm(forms.Form):
    """Why a case is being taken off the agenda (recorded with the end of its shares)."""

    reason = forms.CharField(
        label="Why you are taking this case off the agenda",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are taking this case off the agenda",
            "max_length": "Reason must be 400 characters or fewer",
        },
    )


class ResearchNoteForm(forms.Form):
    """One agency's research for an agenda item."""

    text = forms.CharField(
        label="Your organisation's research",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter your organisation's research"},
    )


class ActionForm(forms.Form):
    """An action for one agency."""

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.TypedChoiceField(
            label="Agency",
            choices=[("", "Select an agency"), *organisations],
            coerce=int,
            error_messages={"required": "Select the agency responsible"},
        )
        self.fields["description"] = forms.CharField(
            label="Action",
            max_length=500,
            error_messages={"required": "Enter the action"},
        )
        self.fields["due_on"] = GovukDateField(
            label="Due date",
            help_text="For example, 27 3 2026",
            error_messages={"required": "Enter the due date"},
        )


class MinutesForm(forms.Form):
    """The restricted minutes."""

    minutes = forms.CharField(
        label="Minutes",
        help_text="Restricted: only MARAC coordinators and members who may see risk detail can read them",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    held = forms.BooleanField(label="The meeting has been held", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DataFormForm(forms.Form):
    """The period (and optionally the adult women population) for the data form."""

    def __init__(self, *args: Any, partnerships: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"] = _radios(
            "Partnership", partnerships, "Select the partnership", coerce=int
        )
        self.fields["start"] = GovukDateField(
            label="Start of the period",
            help_text="For example, 1 4 2026",
            error_messages={"required": "Enter the start of the period"},
        )
        self.fields["end"] = GovukDateField(
            label="End of the period",
            help_text="For example, 30 6 2026",
            error_messages={"required": "Enter the end of the period"},
        )
        self.fields["adult_women"] = forms.IntegerField(
            label="Adult women in the area (optional)",
            help_text="Leave blank to estimate it from the population in the warehouse",
            required=False,
            min_value=1,
            error_messages={
                "invalid": "Adult women must be a whole number, like 52000",
                "min_value": "Adult women must be 1 or more",
            },
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "End of the period must be on or after its start")
        return data
