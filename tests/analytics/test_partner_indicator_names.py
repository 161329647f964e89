"""The default partner indicators use the dataset, category and marker names that
docs/partner-data.md tells partners to send: every one matches rows of the documented example."""

import csv

import pytest

from saferhub.analytics.indicators import load_indicators
from tests.conftest import REPO_ROOT

EXAMPLE = REPO_ROOT / "docs" / "examples" / "partner-example.csv"
# The case system's own datasets (performance.case_figures), documented beside the others.
CASE_FIGURES = REPO_ROOT / "docs" / "examples" / "case-figures-example.csv"


def example_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in (EXAMPLE, CASE_FIGURES):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += [{"markers": "", **row} for row in csv.DictReader(handle)]
    return rows


PARTNER = [i for i in load_indicators() if i.source == "partner"]


@pytest.mark.parametrize("indicator", PARTNER, ids=[i.id for i in PARTNER])
def test_partner_indicator_matches_the_documented_format(indicator: object) -> None:
    def matches(row: dict[str, str]) -> bool:
        markers = [m for m in row["markers"].split(";") if m]
        return (
            row["dataset"] == indicator.dataset  # type: ignore[attr-defined]
            and (not indicator.categories or row["category"] in indicator.categories)  # type: ignore[attr-defined]
            and (not indicator.markers or any(m in indicator.markers for m in markers))  # type: ignore[attr-defined]
        )

    assert any(matches(row) for row in example_rows()), (
        f"{indicator.id} reads dataset {indicator.dataset!r}, which docs/partner-data.md and its "  # type: ignore[attr-defined]
        "example file do not describe"
    )


def test_every_documented_dataset_has_an_indicator() -> None:
    documented = {row["dataset"] for row in example_rows()}
    assert documented <= {i.dataset for i in PARTNER}
