"""The period chooser: a GET form that works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.performance.rules import PeriodChoice


class PeriodForm(forms.Form):
    """Choose the period the figures cover."""

    period = forms.ChoiceField(label="Period", choices=())

    def __init__(self, *args: Any, choices: list[PeriodChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(c.value, c.label) for c in choices]
