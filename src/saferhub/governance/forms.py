"""Governance forms with GOV.UK error messages."""

from __future__ import annotations

from django import forms

FORMAT_CHOICES = [
    ("html", "A readable page (print it or save it as a PDF from the browser)"),
    ("pdf", "PDF document"),
    ("json", "JSON (machine-readable)"),
]


class SubjectAccessForm(forms.Form):
    purpose = forms.CharField(
        label="Why you are exporting this record",
        max_length=300,
        help_text="For example: subject access request received 3 March 2026, reference SAR-0412.",
        error_messages={
            "required": "Enter why you are exporting this record",
            "max_length": "Reason must be 300 characters or fewer",
        },
    )
    export_format = forms.ChoiceField(
        label="Format",
        choices=FORMAT_CHOICES,
        widget=forms.RadioSelect,
        initial="html",
        error_messages={"required": "Select a format"},
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Why you are erasing this record",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: retention review of March 2026, no further purpose.",
        error_messages={
            "required": "Enter why you are erasing this record",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )


class PersonNumberForm(forms.Form):
    person_id = forms.IntegerField(
        label="Person record number",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="It is shown on the person’s page.",
        error_messages={
            "required": "Enter the person record number",
            "invalid": "Person record number must be a number, like 1042",
            "min_value": "Person record number must be a number, like 1042",
        },
    )
