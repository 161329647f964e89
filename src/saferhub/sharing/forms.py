"""The share form, with GOV.UK error messages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from saferhub.organisations.models import Organisation
from saferhub.sharing import rules
from saferhub.sharing.models import AccessLevel, LegalBasis
from saferhub.web.forms import GovukDateField


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation to share with",
        queryset=Organisation.objects.none(),
        empty_label="Select an organisation",
        error_messages={
            "required": "Select the organisation to share with",
            "invalid_choice": "Select an organisation in your partnership",
        },
    )
    access_level = forms.ChoiceField(
        label="What they may do",
        choices=AccessLevel.choices,
        widget=forms.RadioSelect,
        initial=AccessLevel.VIEW,
        error_messages={"required": "Select what they may do with the record"},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis for sharing",
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the legal basis for sharing"},
    )
    reason = forms.CharField(
        label="Why you are sharing it",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: joint ASB case, the police are the lead on enforcement.",
        error_messages={
            "required": "Enter why you are sharing this record",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )
    expires_on = GovukDateField(
        label="Share until",
        help_text="For example, 27 3 2027. The share ends after this day. No more than 3 years.",
        error_messages={"required": "Enter the date the share ends"},
    )

    def __init__(
        self, *args: Any, owner: Organisation, today: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(partnerships__organisations=owner)
            .exclude(pk=owner.pk)
            .distinct()
            .order_by("name")
        )
        self.fields["expires_on"].initial = rules.default_expiry(today)

    def clean_expires_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["expires_on"]
        problem = rules.expiry_problem(value, self.today)
        if problem:
            raise forms.ValidationError(problem)
        return value


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why you are ending the share",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are ending the share",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )
