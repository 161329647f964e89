"""Indicator files: the default set loads, and mistakes are reported with file, indicator, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferhub.analytics.indicators import POLICE_UK_CRIME_TYPES, IndicatorError, load_indicators


def test_default_set_covers_every_crime_type_asb_all_crime_and_partners() -> None:
    indicators = load_indicators()
    single = {
        i.crime_types[0] for i in indicators if i.source == "police.uk" and len(i.crime_types) == 1
    }
    assert single == set(POLICE_UK_CRIME_TYPES)
    all_crime = indicators.get("all_crime")
    assert set(all_crime.crime_types) == set(POLICE_UK_CRIME_TYPES) - {"Anti-social behaviour"}
    partner_ids = {i.id for i in indicators if i.source == "partner"}
    for wanted in (
        "domestic_abuse_crimes",
        "hate_crimes_race",
        "hate_incidents",
        "da_helpline_answered",
        "da_helpline_abandoned",
        "substance_misuse_contacts",
        "channel_referrals",
        "marac_referrals",
    ):
        assert wanted in partner_ids
    assert all(i.definition and i.name for i in indicators)
    assert len(indicators.version) == 12


def test_version_changes_with_the_file(tmp_path: Path) -> None:
    text = load_indicators().path
    copy = tmp_path / "mine.toml"
    copy.write_text(Path(text).read_text() + "\n# edited\n")
    assert load_indicators(copy).version != load_indicators().version


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "indicators.toml"
    path.write_text(body)
    return path


GOOD = """
[[indicator]]
id = "burglary"
name = "Burglary"
definition = "Burglaries."
source = "police.uk"
crime_types = ["Burglary"]
denominator = "population"
polarity = "lower_is_better"
"""


def test_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    (indicator,) = load_indicators(write(tmp_path, GOOD))
    assert (indicator.per, indicator.rag, indicator.geography) == (1000, "last_year", "csp")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('polarity = "lower_is_better"', 'polarity = "down"'), "polarity"),
        (('crime_types = ["Burglary"]', 'crime_types = ["Burglery"]'), "crime_types"),
        (('denominator = "population"', 'denominator = "households"'), "denominator"),
        (('source = "police.uk"', 'source = "police.uk"\nperiod_type = "weekly"'), "period_type"),
        (('source = "police.uk"', 'source = "police.uk"\nrag = "target"'), "target"),
        (('source = "police.uk"', 'source = "police.uk"\ncolour = "red"'), "colour"),
        (('name = "Burglary"\n', ""), "name"),
    ],
)
def test_mistakes_name_file_indicator_and_field(
    tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(IndicatorError) as error:
        load_indicators(path)
    message = str(error.value)
    assert str(path) in message and "'burglary'" in message and f"'{field}'" in message


def test_duplicate_ids_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(IndicatorError, match="more than once"):
        load_indicators(write(tmp_path, GOOD + GOOD))
    with pytest.raises(IndicatorError, match="not a valid TOML"):
        load_indicators(write(tmp_path, "[[indicator]\n"))


def test_marac_and_channel_are_restricted_and_others_are_not() -> None:
    indicators = load_indicators()
    restricted = {i.id for i in indicators if i.restricted}
    assert restricted == {
        "channel_referrals",
        "marac_referrals",
        "marac_repeat_referrals",
        "marac_cases",
        "marac_repeat_cases",
    }
    public = indicators.unrestricted()
    assert not any(i.restricted for i in public)
    assert len(public) == len(indicators) - 5
    assert public.version == indicators.version


def test_restricted_must_be_true_or_false(tmp_path: Path) -> None:
    (indicator,) = load_indicators(write(tmp_path, GOOD + "restricted = true\n"))
    assert indicator.restricted
    with pytest.raises(IndicatorError, match="'restricted'"):
        load_indicators(write(tmp_path, GOOD + 'restricted = "yes"\n'))


def test_published_scorecard_leaves_restricted_indicators_out(tmp_path: Path) -> None:
    from saferhub.analytics.disclosure import DisclosureRule
    from saferhub.analytics.periods import resolve_period
    from saferhub.analytics.scorecard import publish, scorecard

    from . import scorecard_warehouse as fixture

    con = fixture.build(tmp_path / "warehouse.duckdb")
    indicators = load_indicators()
    internal = scorecard(con, "Alpha", resolve_period("2022-Q2"), indicators)
    assert "marac_referrals" in {r.indicator_id for r in internal}
    published = {r.indicator_id for r in publish(internal, indicators, DisclosureRule())}
    assert published
    assert not published & {"channel_referrals", "marac_referrals", "marac_repeat_referrals"}
