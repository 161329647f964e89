"""`saferhub report`: files from the command line, and the same figures as a published report
when run again on the same warehouse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from saferhub.cli import main
from saferhub.organisations.rules import Role
from saferhub.reports import services
from saferhub.reports.content import BoardReport
from saferhub.reports.rendering import render_csv

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


def test_report_command_writes_each_format(alpha: Any, tmp_path: Path) -> None:
    for fmt in ("pdf", "html", "xlsx", "csv"):
        out = tmp_path / f"report.{fmt}"
        result = _run(
            "--partnership",
            alpha.name,
            "--period",
            "2022-Q1",
            "--format",
            fmt,
            "--output",
            str(out),
        )
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.output
        assert out.stat().st_size > 500
    text = "".join(p.extract_text() or "" for p in PdfReader(tmp_path / "report.pdf").pages)
    assert "Burglary rose 88% (from 48 to 90)" in text
    assert "MARAC" not in text  # restricted figures only with --include-restricted


def test_report_command_reproduces_a_published_reports_figures(
    alpha: Any, make_member: Callable[..., Any], tmp_path: Path
) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR).user
    published = services.report_publish(
        actor=admin, partnership=alpha, period="2022-Q2", period_type="quarter"
    )
    out = tmp_path / "again.csv"
    result = _run(
        "--partnership",
        alpha.slug,
        "--period",
        "2022-Q2",
        "--format",
        "csv",
        "--published",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert out.read_text() == render_csv(BoardReport.from_data(published.snapshot))


def test_report_command_explains_problems_in_one_line(alpha: Any) -> None:
    result = _run("--partnership", "Nowhere", "--period", "2022-Q2")
    assert result.exit_code == 2
    assert "saferhub: no partnership 'Nowhere'" in result.output
    result = _run("--partnership", alpha.slug, "--period", "next year")
    assert result.exit_code == 2 and "is not a period" in result.output
