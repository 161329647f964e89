"""A load killed with SIGKILL part-way leaves the warehouse exactly as it was before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest_support import new_warehouse, real_street_files, snapshot

from saferhub.analytics import warehouse
from saferhub.analytics.ingest_police_uk import load_police_uk

LOADER = """
import sys, time
from saferhub.analytics import warehouse
from saferhub.analytics.ingest_police_uk import load_police_uk
con = warehouse.connect(sys.argv[1])
def progress(stage, done, total):
    if stage == "loading":
        print("LOADING", done, total, flush=True)
        time.sleep(60)  # hold the open transaction so the kill lands inside it
print("START", flush=True)
load_police_uk(con, sys.argv[2:], progress=progress)
print("COMMITTED", flush=True)
"""


def test_kill_9_mid_load_leaves_the_warehouse_as_before(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = new_warehouse(db)
    first = real_street_files(shared_data, ("2018-10",), ("kent", "hampshire"))
    load_police_uk(con, first)
    before = snapshot(con)
    assert before["street_crime"]
    con.close()

    # Lancashire and Leicestershire for 2020-2022: ~100 files, several seconds of loading.
    months = tuple(f"{y}-{m:02d}" for y in (2020, 2021, 2022) for m in range(1, 13))
    second = real_street_files(shared_data, months, ("lancashire", "leicestershire"))
    assert len(second) > 60
    process = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), *map(str, second)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line.strip())
        if line.startswith("LOADING"):
            break  # the open transaction has counted files (the kill lands before COMMIT)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert "COMMITTED" not in seen and any(s.startswith("LOADING") for s in seen)

    after = warehouse.connect(db)
    assert snapshot(after) == before
    # Files the killed load had copied into the file store are not part of the warehouse:
    # the views read only what committed rows name, and the next load removes the rest.
    store = warehouse.file_store(after)
    assert len(list(store.glob("street/*"))) > 2
    # And the warehouse still works: the same load now completes.
    report = load_police_uk(after, second[:3])
    assert report.ok and report.count("loaded") == 3
    assert len(list(store.glob("street/*"))) == 2 + 3
