"""`saferhub ingest` as users run it: totals printed, non-zero exit when a file is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import POLICE_UK_HEADER, street_line

from saferhub.analytics.ingest_cli import ingest

SAFERHUB = Path(sys.executable).parent / "saferhub"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "2020-01-leicestershire-street.csv"
    good.write_text(
        "\n".join([POLICE_UK_HEADER, street_line(), street_line(crime_type="Jaywalking")]) + "\n"
    )
    bad = tmp_path / "2020-02-leicestershire-street.csv"
    bad.write_text("name,age\nalice,3\n")
    return good, bad


def test_cli_runner_totals_and_exit_codes(tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    db = str(tmp_path / "w.duckdb")
    runner = CliRunner()
    ok = runner.invoke(ingest, ["police-uk", str(good), "--warehouse", db])
    assert ok.exit_code == 0, ok.output
    assert "rows quarantined" in ok.stderr and "unknown crime type" in ok.stderr
    refused = runner.invoke(ingest, ["police-uk", str(good), str(bad), "--warehouse", db])
    assert refused.exit_code == 1
    assert "refused" in refused.stderr and "header lacks" in refused.stderr


def test_saferhub_command_in_a_subprocess(tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    env = {
        **os.environ,
        "SAFERHUB_WAREHOUSE": str(tmp_path / "env.duckdb"),
        "SAFERHUB_DEBUG": "true",
    }
    first = subprocess.run(
        [str(SAFERHUB), "ingest", "police-uk", str(good)], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "env.duckdb").exists()  # the warehouse came from SAFERHUB_WAREHOUSE
    second = subprocess.run(
        [str(SAFERHUB), "ingest", "police-uk", str(bad)], env=env, capture_output=True, text=True
    )
    assert second.returncode == 1 and "refused" in second.stderr
    counts = subprocess.run(
        [str(SAFERHUB), "counts", "--by", "force,month,crime_type"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert counts.returncode == 0, counts.stderr
    assert counts.stdout.splitlines() == [
        "force,month,crime_type,count",
        "leicestershire,2020-01,Burglary,1",
    ]
