"""The audit search form."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.web.forms import GovukDateField


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    target_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=50,
        help_text="For example member, person or case.",
    )
    target_id = forms.CharField(label="Record number", required=False, max_length=64)
    subject_id = forms.CharField(
        label="Person the record is about",
        required=False,
        max_length=64,
        help_text="Their SaferHub person number.",
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=80,
        help_text="For example member.added, or signin for every sign-in event.",
    )
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data
