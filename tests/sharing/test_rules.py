"""Sharing policy without a database."""

import datetime

from saferhub.sharing import rules

TODAY = datetime.date(2026, 5, 1)


def test_default_expiry_is_a_year() -> None:
    assert rules.default_expiry(TODAY) == datetime.date(2027, 5, 1)


def test_expiry_must_be_in_the_future_and_within_three_years() -> None:
    assert rules.expiry_problem(TODAY, TODAY) == "Expiry date must be in the future"
    assert rules.expiry_problem(TODAY + datetime.timedelta(days=1), TODAY) is None
    assert rules.expiry_problem(TODAY + datetime.timedelta(days=3 * 365), TODAY) is None
    assert "3 years" in (
        rules.expiry_problem(TODAY + datetime.timedelta(days=3 * 365 + 1), TODAY) or ""
    )


def test_a_derived_share_names_its_origin() -> None:
    assert rules.origin_label("") == ""
    assert rules.origin_label("marac_agenda_item") == "While the case is on a MARAC agenda"
    assert rules.origin_label("referral") == "For a referral to their organisation"
    assert rules.origin_label("something_new") == "Granted with another record"
