"""Referral rules: consent overrides need reasons; a referral is decided once; declining
needs a reason; only a referral awaiting a decision is withdrawn."""

import pytest

from saferhub.referrals.rules import (
    KEEPS_SHARES,
    Consent,
    RuleError,
    Status,
    check_consent,
    check_decision,
    check_withdrawal,
)


def test_consent_given_needs_no_reason() -> None:
    check_consent(Consent.GIVEN, "")


@pytest.mark.parametrize("consent", [Consent.REFUSED_OVERRIDDEN, Consent.NOT_SOUGHT])
def test_consent_overridden_needs_a_reason(consent: Consent) -> None:
    with pytest.raises(RuleError, match="without the person's consent"):
        check_consent(consent, "  ")
    check_consent(consent, "Children at risk of significant harm")


def test_decisions() -> None:
    check_decision(Status.SENT, Status.ACCEPTED, "")
    check_decision(Status.SENT, Status.DECLINED, "Outside our area")
    with pytest.raises(RuleError, match="reason for declining"):
        check_decision(Status.SENT, Status.DECLINED, "")
    with pytest.raises(RuleError, match="already been decided"):
        check_decision(Status.ACCEPTED, Status.DECLINED, "Changed our mind")
    with pytest.raises(RuleError, match="accept or decline"):
        check_decision(Status.SENT, Status.SENT, "")
    with pytest.raises(RuleError, match="accept or decline"):
        check_decision(Status.SENT, Status.WITHDRAWN, "")
    with pytest.raises(RuleError, match="already been decided"):
        check_decision(Status.WITHDRAWN, Status.ACCEPTED, "")


def test_withdrawal() -> None:
    check_withdrawal(Status.SENT, "Sent to the wrong service")
    with pytest.raises(RuleError, match="why you are withdrawing"):
        check_withdrawal(Status.SENT, " ")
    for status in (Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN):
        with pytest.raises(RuleError, match="already been decided or withdrawn"):
            check_withdrawal(status, "Changed our mind")


def test_only_a_referral_waiting_or_accepted_keeps_its_shares() -> None:
    assert {Status.SENT, Status.ACCEPTED} == KEEPS_SHARES
