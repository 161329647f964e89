"""The force table matches police.uk slugs and the ONS Dec-2019 police force areas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from saferhub.analytics import forces


def test_every_ons_police_force_area_has_exactly_one_force(shared_data: Path) -> None:
    lookup = shared_data / "lookups" / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv"
    with lookup.open(encoding="utf-8-sig", newline="") as handle:
        areas = {(row["PFA19CD"], row["PFA19NM"]) for row in csv.DictReader(handle)}
    assert len(areas) == 43
    ours = {(f.pfa_code, f.pfa_name) for f in forces.territorial_forces()}
    assert ours == areas


def test_slug_and_pfa_code_round_trip() -> None:
    assert len(forces.territorial_forces()) == 43
    for force in forces.territorial_forces():
        assert force.pfa_code is not None
        assert forces.slug_for_pfa_code(force.pfa_code) == force.slug
        assert forces.pfa_code_for_slug(force.slug) == force.pfa_code
    assert forces.pfa_code_for_slug("west-mercia") == "E23000016"
    assert forces.slug_for_pfa_code("W15000004") == "dyfed-powys"
    assert forces.pfa_code_for_slug("british-transport-police") is None


def test_unknown_slug_and_code_are_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="atlantis"):
        forces.force_by_slug("atlantis")
    with pytest.raises(KeyError, match="E23999999"):
        forces.force_by_pfa_code("E23999999")
    assert not forces.is_known_force("atlantis")


def test_reported_by_names_match_the_real_files(shared_data: Path) -> None:
    import gzip

    for path in sorted((shared_data / "police-uk").glob("2018-10/*.csv.gz")):
        slug = path.name[len("2018-10-") : -len("-street.csv.gz")]
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            row = next(csv.DictReader(handle))
        assert row["Reported by"] == forces.force_by_slug(slug).name


def test_the_demo_force_is_known_but_not_territorial() -> None:
    force = forces.force_by_slug("lindenshire")
    assert force.fictional and force.pfa_code == "E23900001"
    assert forces.is_known_force("lindenshire")
    assert forces.slug_for_pfa_code("E23900001") == "lindenshire"
    assert force not in forces.territorial_forces()
