"""Board report forms with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.reports import rules
from saferhub.reports.services import COMMENTARY_MAX

PERIOD_TYPE_CHOICES = [
    ("quarter", "Quarter"),
    ("month", "Month"),
    ("fy", "Financial year (April to March)"),
    ("fytd", "Financial year to date"),
    ("rolling-12", "12 months ending with the period"),
]


class PeriodForm(forms.Form):
    """Which period's report to open."""

    period = forms.CharField(
        label="Period",
        max_length=20,
        help_text="A quarter like 2022-Q2 (April to June 2022), a financial year like 2022/23 "
        "or a month like 2022-07",
        error_messages={"required": "Enter a period, like 2022-Q2"},
    )
    period_type = forms.ChoiceField(
        label="Figures for",
        choices=PERIOD_TYPE_CHOICES,
        initial="quarter",
        widget=forms.Select,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "period" in data and "period_type" in data:
            try:
                data["period"], data["period_type"] = rules.canonical_period(
                    data["period"], data["period_type"]
                )
            except ValueError as error:
                self.add_error("period", str(error))
        return data


class CommentaryForm(forms.Form):
    """An analyst's commentary on one indicator."""

    text = forms.CharField(
        label="Commentary",
        required=False,
        max_length=COMMENTARY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What explains the figures, and what the partnership is doing about them. "
        "Do not name or describe people. In a published report, numbers below 5 are not "
        "allowed.",
        error_messages={"max_length": f"Commentary must be {COMMENTARY_MAX:,} characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PublishForm(forms.Form):
    """Confirmation that the published version has been checked."""

    confirm = forms.BooleanField(
        label="I have checked the published version and it can be made public",
        error_messages={"required": "Confirm that you have checked the published version"},
    )
