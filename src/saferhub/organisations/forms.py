"""Member forms with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.organisations.rules import Role


def _role_choices(roles: tuple[Role, ...]) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in roles]


class MemberAddForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]+$",
        help_text="Letters, numbers, dots, hyphens and underscores only.",
        error_messages={
            "required": "Enter a username",
            "invalid": "Username must only include letters, numbers, dots, hyphens and underscores",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )

    def __init__(self, *args: Any, roles: tuple[Role, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)  # type: ignore[attr-defined]


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )
    is_active = forms.BooleanField(
        label="Can sign in",
        required=False,
        help_text="Untick to stop this member signing in. Their history is kept.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, roles: tuple[Role, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)  # type: ignore[attr-defined]
