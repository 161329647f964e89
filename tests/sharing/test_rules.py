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


def test_an_existing_share_covers_a_narrower_or_shorter_one_only() -> None:
    later, sooner = TODAY + datetime.timedelta(days=10), TODAY + datetime.timedelta(days=5)
    assert rules.covers(
        existing_level="contribute",
        existing_expires_on=later,
        wanted_level="view",
        wanted_expires_on=sooner,
    )
    assert not rules.covers(
        existing_level="view",
        existing_expires_on=later,
        wanted_level="contribute",
        wanted_expires_on=sooner,
    )
    assert not rules.covers(
        existing_level="contribute",
        existing_expires_on=sooner,
        wanted_level="view",
        wanted_expires_on=later,
    )
