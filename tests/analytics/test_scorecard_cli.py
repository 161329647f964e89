"""The scorecard command, run with click's CliRunner on the hand-built warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saferhub.analytics.indicators import load_indicators
from saferhub.analytics.scorecard_cli import scorecard_command

from . import scorecard_warehouse as fixture

REQUIRED = {
    "indicator_id",
    "area_code",
    "period",
    "count",
    "rate_per_1000",
    "previous_count",
    "change",
    "change_pct",
    "p_value",
    "significant",
    "ratio_ci_low",
    "ratio_ci_high",
    "peer_rank",
    "peer_size",
    "peer_mean_rate",
    "rag",
    "notes",
}


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    fixture.build(path).close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(scorecard_command, list(args))
    return result.exit_code, result.output


def test_json_has_the_documented_fields(warehouse_path: Path) -> None:
    code, output = run(
        "--area",
        "Alpha",
        "--period",
        "2022-Q1",
        "--format",
        "json",
        "--warehouse",
        str(warehouse_path),
    )
    assert code == 0, output
    records = json.loads(output)
    # One record per indicator of the shipped default set, each with every documented field.
    assert [r["indicator_id"] for r in records] == [i.id for i in load_indicators()]
    assert all(set(r) >= REQUIRED for r in records)
    burglary = next(r for r in records if r["indicator_id"] == "burglary")
    assert burglary["period"] == "2022-Q1" and burglary["area_code"] == "E22000001"
    assert burglary["significant"] is True


def test_rolling_12_and_env_var(warehouse_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFERHUB_WAREHOUSE", str(warehouse_path))
    code, output = run(
        "--area",
        "E22000003",
        "--period",
        "2022-Q4",
        "--period-type",
        "rolling-12",
        "--format",
        "csv",
        "--only",
        "asb",
    )
    assert code == 0, output
    lines = output.strip().splitlines()
    assert lines[0].startswith("indicator_id,indicator_name,area_code")
    assert "12 months to 2022-12" in lines[1]


def test_table_and_html(warehouse_path: Path) -> None:
    code, output = run("--area", "Beta", "--period", "2022-Q1", "--warehouse", str(warehouse_path))
    assert code == 0 and "Burglary" in output and "Beta (E22000002)" in output
    code, output = run(
        "--area",
        "Beta",
        "--period",
        "2022-Q1",
        "--format",
        "html",
        "--warehouse",
        str(warehouse_path),
    )
    assert (
        code == 0 and output.startswith("<!DOCTYPE html>") and '<th scope="col">RAG</th>' in output
    )


def test_published_hides_small_counts(warehouse_path: Path) -> None:
    args = (
        "--area",
        "Alpha",
        "--period",
        "2022-Q2",
        "--format",
        "json",
        "--warehouse",
        str(warehouse_path),
        "--only",
        "hate_crimes_race",
    )
    internal = json.loads(run(*args)[1])
    published = json.loads(run(*args, "--published")[1])
    assert internal[0]["count"] == 2 and published[0]["count"] is None


def test_clear_errors(warehouse_path: Path, tmp_path: Path) -> None:
    code, output = run("--area", "Alpah", "--period", "2022-Q1", "--warehouse", str(warehouse_path))
    assert code == 1 and "Did you mean: Alpha" in output
    code, output = run("--area", "Alpha", "--period", "2022-Q9", "--warehouse", str(warehouse_path))
    assert code == 1 and "calendar quarter" in output
    code, output = run(
        "--area", "Alpha", "--period", "2022-Q1", "--warehouse", str(tmp_path / "none.duckdb")
    )
    assert code == 1 and "no warehouse" in output
    code, output = run("--area", "Alpha", "--period", "2031-Q1", "--warehouse", str(warehouse_path))
    assert code == 1 and "No data" in output
