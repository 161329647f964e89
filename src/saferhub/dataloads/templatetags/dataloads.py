"""Template filters for load reports."""

from __future__ import annotations

from django import template

register = template.Library()

_OUTCOME_LABELS = {
    "loaded": ("Loaded", "govuk-tag--green"),
    "replaced": ("Replaced an earlier file", "govuk-tag--turquoise"),
    "skipped": ("Skipped: already loaded", "govuk-tag--grey"),
    "refused": ("Refused", "govuk-tag--red"),
}


@register.filter
def thousands(value: object) -> str:
    """A whole number with thousands separators: 12345 -> '12,345'."""
    try:
        return f"{int(str(value)):,}"
    except ValueError:
        return str(value)


@register.filter
def outcome_label(status: str) -> str:
    """What a file's outcome is called on the report."""
    return _OUTCOME_LABELS.get(status, (status.capitalize(), ""))[0]


@register.filter
def outcome_tag(status: str) -> str:
    """The GOV.UK tag colour class for a file's outcome."""
    return _OUTCOME_LABELS.get(status, ("", "govuk-tag--grey"))[1]
