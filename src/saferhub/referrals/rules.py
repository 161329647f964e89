"""Referral policy without a database: the services a referral goes to, consent, and the
decision workflow (sent -> accepted or declined, once; or withdrawn by the sender before a
decision).

Consent: a referral is made with the person's consent, or without it where the law allows
(for example to protect a child or an adult at risk); overriding consent, or not seeking it,
needs a recorded reason (ICO data sharing code, 2021).
"""

from __future__ import annotations

from enum import StrEnum


class RuleError(ValueError):
    """An input the policy refuses; the message is shown to the user as it is."""


class Service(StrEnum):
    """What the referral asks the receiving organisation to do."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    FIRE_HOME_SAFETY = "fire_home_safety"
    SUBSTANCE_MISUSE = "substance_misuse"
    VICTIM_SUPPORT = "victim_support"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service"
    HOUSING = "housing"
    MENTAL_HEALTH = "mental_health"
    OTHER = "other"


SERVICE_LABELS = {
    Service.CHILDRENS_SOCIAL_CARE: "Children's social care",
    Service.ADULT_SOCIAL_CARE: "Adult social care",
    Service.FIRE_HOME_SAFETY: "Fire and rescue home fire safety check",
    Service.SUBSTANCE_MISUSE: "Substance misuse service",
    Service.VICTIM_SUPPORT: "Victim support",
    Service.DOMESTIC_ABUSE_SERVICE: "Domestic abuse service (IDVA)",
    Service.HOUSING: "Housing",
    Service.MENTAL_HEALTH: "Mental health service",
    Service.OTHER: "Another service",
}


class Consent(StrEnum):
    """Whether the person agreed to the referral."""

    GIVEN = "given"
    REFUSED_OVERRIDDEN = "refused_overridden"
    NOT_SOUGHT = "not_sought"


CONSENT_LABELS = {
    Consent.GIVEN: "Yes, the person consented",
    Consent.REFUSED_OVERRIDDEN: "No, the person refused and consent is overridden",
    Consent.NOT_SOUGHT: "Consent was not sought (for example it would increase risk)",
}


def check_consent(consent: Consent | str, override_reason: str) -> None:
    """Consent overridden or not sought needs a reason; consent given needs none."""
    if Consent(consent) is not Consent.GIVEN and not override_reason.strip():
        raise RuleError("Enter why the referral is made without the person's consent")


class Status(StrEnum):
    """Where a referral is."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.SENT: "Awaiting a decision",
    Status.ACCEPTED: "Accepted",
    Status.DECLINED: "Declined",
    Status.WITHDRAWN: "Withdrawn",
}

# The receiving organisation keeps the records shared with a referral only while it is
# waiting for them or has accepted it (ADR 0009).
KEEPS_SHARES = frozenset({Status.SENT, Status.ACCEPTED})


def check_decision(current: Status | str, decision: Status | str, reason: str) -> None:
    """Only a sent referral is decided, once, as accepted or declined; declining needs a
    reason."""
    decision = Status(decision)
    if decision not in (Status.ACCEPTED, Status.DECLINED):
        raise RuleError("Choose whether to accept or decline the referral")
    if Status(current) is not Status.SENT:
        raise RuleError("This referral has already been decided")
    if decision is Status.DECLINED and not reason.strip():
        raise RuleError("Enter the reason for declining the referral")


def check_withdrawal(current: Status | str, reason: str) -> None:
    """Only a referral still awaiting a decision can be withdrawn, with a reason."""
    if Status(current) is not Status.SENT:
        raise RuleError("This referral has already been decided or withdrawn")
    if not reason.strip():
        raise RuleError("Enter why you are withdrawing the referral")
