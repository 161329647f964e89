"""MARAC policy without a database: referral criteria, repeat referrals, who may read the
minutes, and the quarterly MARAC data form figures with the SafeLives volume expectation.

Sources (DOMAIN.md): the four referral criteria (visible high risk, professional judgement,
potential escalation, repeat); a repeat is any referral for the same victim within 12 months
of their previous referral (after 12 months it is a new referral); the SafeLives expectation
of 40 cases a year per 10,000 adult women; the quarterly data form counts cases, repeats,
children in the households, referrals by agency and the victims' gender, ethnicity,
disability, LGBT+ identity and ages 16-17.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from saferhub.cases.rules import in_window
from saferhub.risk.rules import add_months


class Criterion(StrEnum):
    """Why a case is referred to MARAC."""

    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    POTENTIAL_ESCALATION = "potential_escalation"
    REPEAT = "repeat"


CRITERION_LABELS = {
    Criterion.VISIBLE_HIGH_RISK: "Visible high risk (14 or more yes answers on DASH)",
    Criterion.PROFESSIONAL_JUDGEMENT: "Professional judgement",
    Criterion.POTENTIAL_ESCALATION: "Potential escalation (repeated incidents in 12 months)",
    Criterion.REPEAT: "Repeat (referred to MARAC in the last 12 months)",
}

REPEAT_WINDOW_MONTHS = 12


def is_repeat(referred_on: datetime.date, previous_on: datetime.date | None) -> bool:
    """Whether a referral on `referred_on` repeats one on `previous_on` for the same victim.

    A repeat is made within 12 months of the previous referral, counting the anniversary
    itself (1 March 2025 -> up to and including 1 March 2026: 365 days, or 366 across a
    29 February). The day after is a new referral. No previous referral: not a repeat.
    """
    if previous_on is None or referred_on < previous_on:
        return False
    return referred_on <= add_months(previous_on, REPEAT_WINDOW_MONTHS)


def previous_referral_date(
    referred_on: datetime.date, earlier: Iterable[datetime.date]
) -> datetime.date | None:
    """The latest of the victim's other referral dates on or before `referred_on`."""
    candidates = [d for d in earlier if d <= referred_on]
    return max(candidates) if candidates else None


def potential_escalation(
    incident_dates: Iterable[datetime.date],
    *,
    on: datetime.date,
    incidents: int = 3,
    months: int = 12,
) -> bool:
    """Common practice: `incidents` (default 3) domestic abuse incidents between the same
    victim and perpetrator in the `months` (default 12) up to `on`, counting the first day
    of the window as the potential escalation flag does (cases.rules.in_window)."""
    return sum(1 for d in incident_dates if in_window(d, today=on, months=months)) >= incidents


# --- quarterly data form ---------------------------------------------------------------


class YesNoUnknown(StrEnum):
    """A demographic answer recorded on the referral."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


YES_NO_UNKNOWN_LABELS = {
    YesNoUnknown.YES: "Yes",
    YesNoUnknown.NO: "No",
    YesNoUnknown.NOT_KNOWN: "Not known",
}


@dataclass(frozen=True)
class DiscussedCase:
    """One case discussed at a MARAC in the period, as recorded on its referral."""

    is_repeat: bool
    children_in_household: int
    referring_agency: str
    gender: str
    ethnicity: str
    disability: str
    lgbt_plus: str
    age: int | None


@dataclass(frozen=True)
class DataForm:
    """The quarterly MARAC data form figures for one period."""

    start: datetime.date
    end: datetime.date
    meetings: int
    cases: int
    repeats: int
    repeat_percent: float | None
    children: int
    by_agency: tuple[tuple[str, int], ...]
    by_gender: tuple[tuple[str, int], ...]
    by_ethnicity: tuple[tuple[str, int], ...]
    by_disability: tuple[tuple[str, int], ...]
    by_lgbt_plus: tuple[tuple[str, int], ...]
    aged_16_17: int


def _tally(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(v or "Not recorded" for v in values)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def data_form(
    cases: Sequence[DiscussedCase],
    *,
    start: datetime.date,
    end: datetime.date,
    meetings: int,
) -> DataForm:
    """Counts for the period: cases discussed, repeats and their percentage, children in the
    households, and cases by referring agency, gender, ethnicity, disability, LGBT+ and the
    number of victims aged 16 or 17 at referral."""
    if end < start:
        raise ValueError("The end of the period must be on or after its start")
    repeats = sum(1 for c in cases if c.is_repeat)
    return DataForm(
        start=start,
        end=end,
        meetings=meetings,
        cases=len(cases),
        repeats=repeats,
        repeat_percent=round(100 * repeats / len(cases), 1) if cases else None,
        children=sum(c.children_in_household for c in cases),
        by_agency=_tally(c.referring_agency for c in cases),
        by_gender=_tally(c.gender for c in cases),
        by_ethnicity=_tally(c.ethnicity for c in cases),
        by_disability=_tally(c.disability for c in cases),
        by_lgbt_plus=_tally(c.lgbt_plus for c in cases),
        aged_16_17=sum(1 for c in cases if c.age in (16, 17)),
    )


SAFELIVES_CASES_PER_10000_ADULT_WOMEN = 40

# When only the total resident population is known (the warehouse holds ONS totals), adult
# women are estimated as this share of it: women aged 16 and over were 41% of the usual
# resident population of England and Wales at Census 2021 (24.4 million of 59.6 million).
ADULT_WOMEN_SHARE_OF_POPULATION = 0.41


@dataclass(frozen=True)
class Volume:
    """The period's cases against the SafeLives expectation for the area."""

    cases: int
    days: int
    adult_women: int
    adult_women_estimated: bool
    expected: float
    annual_rate_per_10000: float
    percent_of_expected: float


def expected_volume(
    cases: int,
    *,
    start: datetime.date,
    end: datetime.date,
    adult_women: int | None = None,
    population: int | None = None,
) -> Volume | None:
    """Cases in the period (inclusive dates) against the expected 40 cases a year per 10,000
    adult women, scaled to the period's length. Uses `adult_women` when entered, else 41% of
    the total `population`; None when neither is known."""
    if end < start:
        raise ValueError("The end of the period must be on or after its start")
    estimated = adult_women is None
    women = adult_women if adult_women is not None else None
    if women is None and population is not None:
        women = round(population * ADULT_WOMEN_SHARE_OF_POPULATION)
    if not women or women <= 0:
        return None
    days = (end - start).days + 1
    year_fraction = days / 365.25
    expected = SAFELIVES_CASES_PER_10000_ADULT_WOMEN * women / 10_000 * year_fraction
    rate = cases / year_fraction / women * 10_000
    return Volume(
        cases=cases,
        days=days,
        adult_women=women,
        adult_women_estimated=estimated,
        expected=round(expected, 1),
        annual_rate_per_10000=round(rate, 1),
        percent_of_expected=round(100 * cases / expected, 1) if expected else 0.0,
    )


def age_on(date_of_birth: datetime.date | None, on: datetime.date) -> int | None:
    """Whole years of age on a date (None when the date of birth is not known)."""
    if date_of_birth is None:
        return None
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def may_read_minutes(
    *, manages_marac: bool, views_risk_detail: bool, organisation_is_member: bool
) -> bool:
    """Minutes are restricted: MARAC coordinators of a member organisation, or members of
    the meeting's organisations who may see risk detail."""
    return organisation_is_member and (manages_marac or views_risk_detail)
