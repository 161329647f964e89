"""Referral rules: consent overrides need reasons; a referral is decided once; declining
needs a reason."""

import pytest

from saferhub.referrals.rules import Consent, RuleError, Status, check_consent, check_decision


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
