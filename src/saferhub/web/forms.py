"""One GOV.UK form renderer for every form, and the GOV.UK date input.

Every Django form renders through templates/web/forms/: a label, hint, error message and a
control styled by GOV.UK Frontend, with aria-describedby linking them. Views show an error
summary at the top of the page (web/forms/error_summary.html).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with GOV.UK Design System markup."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks."""

    template_name = "web/forms/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            widgets=[
                forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            ],
            attrs=attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        label = str(self.label or "Date").lower()
        day, month, year = (part.strip() if part else "" for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{label.capitalize()} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{label.capitalize()} must be a real date")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label.capitalize()} must be a real date") from None
