"""`fetch police-uk` against a local HTTP server serving a small monthly archive (no internet)."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import POLICE_UK_HEADER, street_line

from saferhub.analytics import warehouse
from saferhub.analytics.ingest_cli import fetch


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/data/archive", root
    finally:
        httpd.shutdown()


def _archive(root: Path, month: str) -> None:
    folder = root / "data" / "archive"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{month}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for force, n in (("west-mercia", 3), ("kent", 5)):
            rows = [street_line(month=month, crime_id=f"{force}{i}") for i in range(n)]
            zf.writestr(
                f"{month}/{month}-{force}-street.csv", "\n".join([POLICE_UK_HEADER, *rows]) + "\n"
            )
        zf.writestr(
            f"{month}/{month}-west-mercia-outcomes.csv",
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            f"LSOA name,Outcome type\nx,{month},W,W,,,,,,Local resolution\n",
        )


def test_fetch_downloads_and_loads_only_the_chosen_force(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = server
    _archive(root, "2022-01")
    _archive(root, "2022-02")
    db = tmp_path / "w.duckdb"
    args = [
        "police-uk",
        "--force",
        "west-mercia",
        "--from",
        "2022-01",
        "--to",
        "2022-03",
        "--base-url",
        base,
        "--warehouse",
        str(db),
    ]
    result = CliRunner().invoke(fetch, args)
    # 2022-03 is not on the server: reported, and the command exits non-zero.
    assert result.exit_code == 1
    assert "2022-03.zip" in result.stderr and "cannot download" in result.stderr
    con = warehouse.connect(db)
    assert con.execute(
        "SELECT force, strftime(month, '%Y-%m'), count(*) FROM street_crime GROUP BY ALL ORDER BY 2"
    ).fetchall() == [("west-mercia", "2022-01", 3), ("west-mercia", "2022-02", 3)]
    assert con.execute("SELECT count(*) FROM outcome").fetchone() == (2,)
    names = [r[0] for r in con.execute("SELECT name FROM source_file ORDER BY file_id").fetchall()]
    assert all("2022-0" in n and "!" in n for n in names)
    con.close()
    again = CliRunner().invoke(fetch, [*args[:6], "2022-02", *args[7:]])
    assert again.exit_code == 0, again.output


def test_fetch_rejects_unknown_force_and_reversed_months(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.duckdb")
    bad = runner.invoke(
        fetch,
        [
            "police-uk",
            "--force",
            "atlantis",
            "--from",
            "2022-01",
            "--to",
            "2022-01",
            "--warehouse",
            db,
        ],
    )
    assert bad.exit_code == 2 and "atlantis" in bad.output
    reversed_ = runner.invoke(
        fetch,
        ["police-uk", "--force", "kent", "--from", "2022-05", "--to", "2022-01", "--warehouse", db],
    )
    assert reversed_.exit_code == 2 and "before" in reversed_.output
