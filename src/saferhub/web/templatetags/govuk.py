"""Template helpers for GOV.UK markup: control classes and ids that link hints and errors."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.FileInput: "govuk-file-upload",
}


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which GOV.UK pattern renders this field: radios, checkboxes, checkbox, date or control."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "control"


@register.simple_tag
def govuk_control(field: BoundField) -> SafeString:
    """The field's input, select or textarea with GOV.UK classes and aria-describedby."""
    widget = field.field.widget
    css = next((c for kind, c in _CLASSES.items() if isinstance(widget, kind)), "govuk-input")
    if field.errors:
        css += f" {css}--error"
    attrs: dict[str, str | bool] = {"class": " ".join([css, widget.attrs.get("class", "")]).strip()}
    described = describedby(field)
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def describedby(field: BoundField) -> str:
    """Space-separated ids of the field's hint and error message."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)
