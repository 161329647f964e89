"""The figures' filters: a GET form with GOV.UK error messages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from saferhub.cases.rules import CASE_TYPES
from saferhub.casework_mi.rules import DIMENSIONS
from saferhub.web.forms import GovukDateField


class FiguresForm(forms.Form):
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2027")
    group_by = forms.ChoiceField(
        label="Show figures by",
        choices=list(DIMENSIONS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    case_type = forms.ChoiceField(label="Case type", required=False)
    district = forms.ChoiceField(label="District", required=False)
    organisation = forms.TypedChoiceField(
        label="Lead organisation", required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        districts: list[str],
        today: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["case_type"].choices = [("", "All case types")] + [  # type: ignore[attr-defined]
            (code, t.label) for code, t in CASE_TYPES.items()
        ]
        self.fields["district"].choices = [("", "All districts")] + [(d, d) for d in districts]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [("", "All organisations")] + [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in organisations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if end and end > self.today:
            self.add_error("date_to", "To date must be today or in the past")
        if start and end and start > end:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data
