"""What every app's pages do with a service's refusal: show it on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form's fields it names, the rest at the top.

    Services check policy (impossible dates, stale versions, unknown choices) and name the
    field in the error; a field the form does not have, or an error without fields, goes in
    the error summary.
    """
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
