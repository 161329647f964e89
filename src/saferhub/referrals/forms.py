"""Referral forms with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from saferhub.referrals import rules


class ReferralForm(forms.Form):
    """Send a referral to another organisation."""

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"] = forms.ChoiceField(
            label="Which service are you referring to?",
            choices=[
                ("", "Select a service"),
                *((k.value, v) for k, v in rules.SERVICE_LABELS.items()),
            ],
            error_messages={"required": "Select the service you are referring to"},
        )
        self.fields["to_organisation"] = forms.TypedChoiceField(
            label="Which organisation provides it?",
            choices=[("", "Select an organisation"), *organisations],
            coerce=int,
            error_messages={"required": "Select the organisation you are referring to"},
        )
        self.fields["details"] = forms.CharField(
            label="What are you asking them to do, and why?",
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": "Enter what you are asking the service to do"},
        )
        self.fields["consent"] = forms.ChoiceField(
            label="Did the person consent to the referral?",
            choices=[(k.value, v) for k, v in rules.CONSENT_LABELS.items()],
            widget=forms.RadioSelect,
            error_messages={"required": "Select whether the person consented"},
        )
        self.fields["consent_override_reason"] = forms.CharField(
            label="Why are you referring without their consent?",
            help_text="Needed if the person did not consent or was not asked",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consent = data.get("consent")
        if consent:
            try:
                rules.check_consent(consent, data.get("consent_override_reason") or "")
            except rules.RuleError as error:
                self.add_error("consent_override_reason", str(error))
        return data


class DecisionForm(forms.Form):
    """Accept or decline a referral."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(rules.Status.ACCEPTED.value, "Accept"), (rules.Status.DECLINED.value, "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to accept or decline the referral"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed if you decline",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == rules.Status.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for declining the referral")
        return data


class WithdrawForm(forms.Form):
    """Withdraw a referral awaiting a decision."""

    reason = forms.CharField(
        label="Why you are withdrawing the referral",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are withdrawing the referral",
            "max_length": "Reason must be 400 characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
