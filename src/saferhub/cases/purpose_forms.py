"""The purpose-of-access question: one of the usual reasons, or the member's own words."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.cases.purpose import MAX_PURPOSE_LENGTH, PURPOSES, clean_purpose

OTHER = "other"


class PurposeForm(forms.Form):
    """Why the member is looking at the record."""

    purpose = forms.ChoiceField(
        label="Why are you looking at this record?",
        choices=[(p, p) for p in PURPOSES] + [(OTHER, "Something else")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are looking at this record"},
    )
    other_purpose = forms.CharField(
        label="Give your reason",
        required=False,
        max_length=MAX_PURPOSE_LENGTH,
        error_messages={"max_length": "Your reason must be 200 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == OTHER and not clean_purpose(data.get("other_purpose", "")):
            self.add_error("other_purpose", "Enter your reason for looking at this record")
        return data

    def chosen_purpose(self) -> str:
        """The purpose to remember and audit."""
        data = self.cleaned_data
        if data["purpose"] == OTHER:
            return clean_purpose(data["other_purpose"])
        return str(data["purpose"])
