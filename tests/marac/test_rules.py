"""MARAC rules against worked cases: repeat referrals at 364, 365 and 366 days, potential
escalation, the quarterly data form, the SafeLives volume and who reads the minutes."""

import datetime

import pytest

from saferhub.cases.rules import (
    FlagRules,
    IncidentFact,
    escalation_flags,
    in_window,
    months_before,
)
from saferhub.marac.rules import (
    DiscussedCase,
    age_on,
    data_form,
    expected_volume,
    is_repeat,
    may_read_minutes,
    potential_escalation,
    previous_referral_date,
)

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("days", "repeat"),
    [(0, True), (1, True), (364, True), (365, True), (366, False), (700, False)],
)
def test_repeat_within_twelve_months_of_the_previous_referral(days: int, repeat: bool) -> None:
    previous = D(2025, 3, 1)  # no 29 February in the following 12 months: 12 months = 365 days
    assert is_repeat(previous + days * DAY, previous) is repeat


def test_repeat_across_a_leap_day_counts_the_anniversary() -> None:
    previous = D(2023, 3, 1)  # 12 months later is 1 March 2024, 366 days on
    assert is_repeat(previous + 365 * DAY, previous)
    assert is_repeat(previous + 366 * DAY, previous)
    assert not is_repeat(previous + 367 * DAY, previous)
    # from 29 February the anniversary is 28 February
    assert is_repeat(D(2025, 2, 28), D(2024, 2, 29))
    assert not is_repeat(D(2025, 3, 1), D(2024, 2, 29))


def test_no_previous_referral_or_a_later_one_is_not_a_repeat() -> None:
    assert not is_repeat(D(2025, 3, 1), None)
    assert not is_repeat(D(2025, 3, 1), D(2025, 3, 2))


def test_previous_referral_date_is_the_latest_earlier_one() -> None:
    dates = [D(2024, 1, 1), D(2024, 9, 1), D(2025, 9, 1)]
    assert previous_referral_date(D(2025, 3, 1), dates) == D(2024, 9, 1)
    assert previous_referral_date(D(2023, 3, 1), dates) is None


def test_potential_escalation_three_incidents_in_twelve_months() -> None:
    on = D(2025, 6, 30)
    assert potential_escalation([D(2025, 1, 1), D(2025, 3, 1), D(2025, 6, 30)], on=on)
    assert not potential_escalation([D(2024, 6, 29), D(2025, 3, 1), D(2025, 6, 1)], on=on)
    assert not potential_escalation([D(2025, 1, 1), D(2025, 3, 1)], on=on)
    assert potential_escalation([D(2025, 1, 1)] * 5, on=on, incidents=5)


def case(**overrides: object) -> DiscussedCase:
    values: dict[str, object] = {
        "is_repeat": False,
        "children_in_household": 0,
        "referring_agency": "Police",
        "gender": "Female",
        "ethnicity": "White British",
        "disability": "no",
        "lgbt_plus": "no",
        "age": 34,
    }
    values.update(overrides)
    return DiscussedCase(**values)  # type: ignore[arg-type]


def test_data_form_worked_example() -> None:
    cases = [
        case(is_repeat=True, children_in_household=2),
        case(children_in_household=1, referring_agency="IDVA service", age=17),
        case(gender="Male", ethnicity="", disability="yes", lgbt_plus="yes", age=16),
        case(is_repeat=True, age=None),
    ]
    form = data_form(cases, start=D(2025, 4, 1), end=D(2025, 6, 30), meetings=3)
    assert (form.cases, form.repeats, form.repeat_percent, form.children) == (4, 2, 50.0, 3)
    assert form.by_agency == (("Police", 3), ("IDVA service", 1))
    assert form.by_gender == (("Female", 3), ("Male", 1))
    assert form.by_ethnicity == (("White British", 3), ("Not recorded", 1))
    assert form.by_disability == (("no", 3), ("yes", 1))
    assert form.by_lgbt_plus == (("no", 3), ("yes", 1))
    assert form.aged_16_17 == 2
    assert form.meetings == 3


def test_empty_data_form_has_no_percentage() -> None:
    form = data_form([], start=D(2025, 4, 1), end=D(2025, 6, 30), meetings=0)
    assert form.cases == 0 and form.repeat_percent is None
    with pytest.raises(ValueError):
        data_form([], start=D(2025, 4, 2), end=D(2025, 4, 1), meetings=0)


def test_volume_against_the_safelives_expectation() -> None:
    # a year, 50,000 adult women: 200 cases expected; 150 cases is 75%, 30 per 10,000
    volume = expected_volume(150, start=D(2025, 1, 1), end=D(2025, 12, 31), adult_women=50_000)
    assert volume is not None
    assert volume.expected == pytest.approx(200, abs=0.3)
    assert volume.annual_rate_per_10000 == pytest.approx(30, abs=0.1)
    assert volume.percent_of_expected == pytest.approx(75, abs=0.2)
    assert not volume.adult_women_estimated
    # a quarter, women estimated as 41% of 122,000 residents = 50,020
    quarter = expected_volume(50, start=D(2025, 4, 1), end=D(2025, 6, 30), population=122_000)
    assert quarter is not None and quarter.adult_women == 50_020 and quarter.adult_women_estimated
    assert quarter.days == 91
    assert quarter.expected == pytest.approx(40 * 5.002 * 91 / 365.25, abs=0.1)
    assert expected_volume(5, start=D(2025, 4, 1), end=D(2025, 6, 30)) is None
    with pytest.raises(ValueError):
        expected_volume(5, start=D(2025, 4, 2), end=D(2025, 4, 1), adult_women=1)


def test_age_on() -> None:
    assert age_on(D(2008, 7, 1), D(2025, 6, 30)) == 16
    assert age_on(D(2008, 7, 1), D(2025, 7, 1)) == 17
    assert age_on(None, D(2025, 7, 1)) is None


@pytest.mark.parametrize(
    ("manages", "risk_detail", "member", "allowed"),
    [
        (True, False, True, True),
        (False, True, True, True),
        (False, False, True, False),
        (True, True, False, False),
    ],
)
def test_minutes_are_restricted(
    manages: bool, risk_detail: bool, member: bool, allowed: bool
) -> None:
    assert (
        may_read_minutes(
            manages_marac=manages, views_risk_detail=risk_detail, organisation_is_member=member
        )
        is allowed
    )


@pytest.mark.parametrize(
    ("on", "months"),
    [(D(2025, 6, 30), 12), (D(2025, 5, 31), 3), (D(2024, 2, 29), 12), (D(2025, 3, 15), 1)],
)
def test_the_first_day_of_the_window_counts_for_both_the_criterion_and_the_flag(
    on: datetime.date, months: int
) -> None:
    """An incident exactly `months` months ago counts for the MARAC potential escalation
    criterion and for the potential escalation flag alike; the day before counts for neither."""
    first_day = months_before(on, months)
    rule = FlagRules(escalation_count=3, escalation_months=months)

    def flagged(days: list[datetime.date]) -> bool:
        facts = [
            IncidentFact(i, day, "domestic_abuse", (), frozenset({1}), frozenset({9}))
            for i, day in enumerate(days)
        ]
        return bool(escalation_flags(1, facts, rules=rule, today=on))

    for oldest, counts in ((first_day, True), (first_day - DAY, False)):
        dates = [oldest, on - DAY, on]
        assert potential_escalation(dates, on=on, months=months) is counts, oldest
        assert flagged(dates) is counts, oldest
        assert in_window(oldest, today=on, months=months) is counts
