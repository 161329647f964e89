"""Incident rules: impossible dates, categories, strands and markers."""

import datetime

from saferhub.incidents import rules

D = datetime.date


def test_impossible_dates() -> None:
    today = D(2026, 6, 30)
    assert (
        rules.occurred_at_problem(D(2026, 7, 1), today=today)
        == "Date of the incident must be today or in the past"
    )
    assert "after the date of birth" in rules.occurred_at_problem(
        D(2000, 1, 1), today=today, dates_of_birth=[None, D(2001, 1, 1)]
    )
    assert (
        rules.occurred_at_problem(D(2026, 6, 30), today=today, dates_of_birth=[D(2001, 1, 1), None])
        == ""
    )


def test_classification() -> None:
    assert rules.classification_problems("asb:personal", "", []) == {}
    assert rules.classification_problems("nonsense", "", [])["category"]
    assert rules.classification_problems("asb:personal", "", ["bogus"])["markers"]
    assert rules.classification_problems("asb:personal", "planet", [])["hate_strand"]
    assert (
        "monitored strand" in rules.classification_problems("hate_incident", "", [])["hate_strand"]
    )
    assert (
        "monitored strand"
        in rules.classification_problems("crime:Public order", "", ["hate"])["hate_strand"]
    )
    assert rules.classification_problems("hate_incident", "race", ["hate"]) == {}
    assert rules.is_domestic_abuse("crime:Robbery", ["domestic_abuse"]) and rules.is_asb(
        "asb:nuisance"
    )
