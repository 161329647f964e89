"""Ingest benchmark: rows per second loading gzip police.uk street files into the warehouse.

Measured side by side in the same run, on the same files:

* ``saferhub``  - load_police_uk into a fresh warehouse (sha256 of each file as given, header
  checks, the copy of each file into the warehouse's file store, decompression, SQL validation
  of every row and field, quarantine accounting, the crime_count write, the ONS geography join,
  the views, COMMIT);
* ``pandas``    - a straightforward script: pandas.read_csv of every file, concat, to_parquet;
* ``raw read``  - DuckDB read_csv of the same files with the schema given and sniffing off,
  every column touched (the practical limit of reading the bytes at all).

Data sets: generated police.uk-format files (several million rows, real ONS LSOAs) and the real
shared files in ../shared/data/police-uk. --repeat rounds, each running the three methods one
after the other; medians of each method's times and of the per-round ratios. The machine's
load average is printed before and after each data set, since the cores may be shared. Run:

    .venv/bin/python benchmarks/ingest_benchmark.py [--rows-per-file 60000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from saferhub.analytics import synthetic, warehouse  # noqa: E402
from saferhub.analytics.geography import load_geography  # noqa: E402
from saferhub.analytics.ingest_police_uk import load_police_uk  # noqa: E402

SHARED = Path(os.environ.get("SAFERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]


def run_saferhub(files: list[Path], work: Path) -> int:
    db = work / "bench.duckdb"
    for leftover in (db, Path(str(db) + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(Path(str(db) + ".files"), ignore_errors=True)  # files are copied every run
    shutil.copy(work / "geo.duckdb", db)
    con = warehouse.connect(db)
    report = load_police_uk(con, files)
    con.close()
    assert report.ok and report.rows_quarantined == 0
    return report.rows_loaded


def run_pandas(files: list[Path], work: Path) -> int:
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
    frame = pd.concat(frames, ignore_index=True)
    frame["Longitude"] = pd.to_numeric(frame["Longitude"], errors="coerce")
    frame["Latitude"] = pd.to_numeric(frame["Latitude"], errors="coerce")
    frame.to_parquet(work / "bench.parquet", index=False)
    return len(frame)


def run_raw(files: list[Path], work: Path) -> int:
    con = duckdb.connect()
    row = con.execute(
        "SELECT count(*), max(COLUMNS(*)) FROM read_csv(?, columns = ?, header = true, "
        "auto_detect = false, delim = ',', quote = '\"')",
        [[str(f) for f in files], dict.fromkeys(COLUMNS, "VARCHAR")],
    ).fetchone()
    con.close()
    assert row is not None
    return int(row[0])


def _cpu() -> float:
    """CPU seconds used by this process so far, every thread (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


METHODS: dict[str, Callable[[list[Path], Path], int]] = {
    "saferhub": run_saferhub,
    "pandas": run_pandas,
    "raw read": run_raw,
}


def measure(files: list[Path], work: Path, repeat: int) -> None:
    """``repeat`` rounds, each running the three methods one after the other, so a slow spell
    on the shared machine touches all three alike; prints each method's median wall and CPU
    seconds and the median of the per-round ratios."""
    wall: dict[str, list[float]] = {name: [] for name in METHODS}
    cpu: dict[str, list[float]] = {name: [] for name in METHODS}
    rows: dict[str, int] = {}
    for _ in range(repeat):
        for name, fn in METHODS.items():
            start, used = time.perf_counter(), _cpu()
            rows[name] = fn(files, work)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(_cpu() - used)
    for name in METHODS:
        median = statistics.median(wall[name])
        print(
            f"  {name:<9} {rows[name]:>10,} rows  median {median:6.2f} s  "
            f"{rows[name] / median:>12,.0f} rows/s (runs: "
            f"{', '.join(f'{t:.2f}' for t in wall[name])}; "
            f"CPU median {statistics.median(cpu[name]):.2f} s)"
        )
    ours = wall["saferhub"]
    for other in ("pandas", "raw read"):
        ratios = [theirs / mine for theirs, mine in zip(wall[other], ours, strict=True)]
        cpu_ratio = statistics.median(cpu[other]) / statistics.median(cpu["saferhub"])
        print(
            f"  saferhub vs {other}: {statistics.median(ratios):.2f}x (median of the rounds: "
            f"{', '.join(f'{r:.2f}' for r in ratios)}); in CPU seconds {cpu_ratio:.2f}x"
        )


def _load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the same cores)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows-per-file", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="saferhub-bench-"))
    try:
        geo = warehouse.connect(work / "geo.duckdb")
        lookups = SHARED / "lookups"
        load_geography(
            geo,
            [
                lookups / "LSOA11_WD19_LAD19_EW_LU_Dec2019.csv.gz",
                lookups / "LAD19_CSP19_PFA19_EW_LU_Dec2019.csv",
            ],
        )
        forces = ["west-mercia", "kent", "lancashire", "thames-valley"]
        months = [f"2021-{m:02d}" for m in range(1, 13)]
        start = time.perf_counter()
        generated = synthetic.write_street_files(
            work / "generated", forces, months, args.rows_per_file, seed=1, con=geo
        )
        geo.close()
        print(f"generated {len(generated)} files in {time.perf_counter() - start:.1f} s")
        real = sorted((SHARED / "police-uk").glob("*/*-street.csv.gz"))
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, duckdb {duckdb.__version__}, pandas {pd.__version__}"
        )
        for label, files in (("generated", generated), ("real shared files", real)):
            print(f"\n{label}: {len(files)} gzip files (load average {_load()})")
            measure(files, work, args.repeat)
            print(f"  (load average {_load()})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
