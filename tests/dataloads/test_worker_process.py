"""The real worker in its own process, against a file-backed SQLite database: `saferhub
worker --batch` runs a queued load, and `saferhub run` starts a worker beside gunicorn that
loads an upload with no extra step, and stops it when it stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.dataloads.conftest import street_csv

SAFERHUB = str(REPO_ROOT / ".venv" / "bin" / "saferhub")

# Run inside a child process: an analyst uploads one police.uk file through the service.
SEED = """
import sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from saferhub.dataloads.services import dataload_create
from saferhub.organisations import services
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Role

name, path, username = sys.argv[1:4]
partnership = Partnership.objects.filter(name="Worker Test CSP").first() or services.partnership_create(
    actor=None, name="Worker Test CSP", kind=Partnership.Kind.CSP, require_two_factor=False
)
organisation = Organisation.objects.filter(name="Worker Test Council").first() or (
    services.organisation_create(
        actor=None, name="Worker Test Council", kind=Organisation.Kind.DISTRICT_COUNCIL,
        partnerships=[partnership],
    )
)
membership, _ = services.member_add(
    actor=None, organisation=organisation, username=username, first_name="Ann",
    last_name="Lyst", email=f"{username}@example.test", role=Role.ANALYST,
    password="correct-horse-battery-staple-42",
)
with transaction.atomic():
    load = dataload_create(
        actor=membership.user,
        uploads=[SimpleUploadedFile(name, open(path, "rb").read())],
    )
print(load.pk)
"""


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SAFERHUB_"))}
    env.update(
        SAFERHUB_HTTPS="false",
        SAFERHUB_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'saferhub.sqlite3'}",
        SAFERHUB_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DJANGO_SETTINGS_MODULE="saferhub.config.settings",
    )
    return env


def seed(tmp_path: Path, env: dict[str, str], month: str, username: str) -> int:
    name = f"{month}-leicestershire-street.csv"
    (tmp_path / name).write_bytes(street_csv(rows=7, month=month))
    result = subprocess.run(
        [sys.executable, "-c", SEED, name, str(tmp_path / name), username],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stdout.strip().splitlines()[-1])


def load_row(tmp_path: Path, load_id: int) -> tuple[str, dict[str, object]]:
    with sqlite3.connect(tmp_path / "saferhub.sqlite3") as db:
        status, report = db.execute(
            "SELECT status, report FROM dataloads_dataload WHERE id = ?", [load_id]
        ).fetchone()
    return status, json.loads(report)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path(SAFERHUB).exists(), reason="needs the installed saferhub command")
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="uses its own SQLite file: the SQLite pass runs it",
)
def test_the_worker_process_loads_uploads_and_saferhub_run_starts_and_stops_it(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    migrate = subprocess.run(
        [SAFERHUB, "migrate"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]

    # 1. `saferhub worker --batch`: run what is queued, then exit.
    first = seed(tmp_path, env, "2020-01", "analyst-one")
    assert load_row(tmp_path, first)[0] == "queued"
    worker = subprocess.run(
        [SAFERHUB, "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    status, report = load_row(tmp_path, first)
    assert status == "succeeded", report
    assert report["totals"] == {
        "loaded": 1,
        "replaced": 0,
        "skipped": 0,
        "refused": 0,
        "files": 1,
        "rows_read": 7,
        "rows_loaded": 7,
        "rows_quarantined": 0,
    }

    # 2. `saferhub run`: gunicorn and a worker; an upload queued while it runs is loaded.
    port = free_port()
    server = subprocess.Popen(
        [SAFERHUB, "run", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        second = seed(tmp_path, env, "2020-02", "analyst-two")
        deadline = time.monotonic() + 180
        while load_row(tmp_path, second)[0] in {"queued", "running"}:
            assert server.poll() is None, "saferhub run stopped by itself"
            assert time.monotonic() < deadline, "the worker started by saferhub run did not load"
            time.sleep(0.5)
        assert load_row(tmp_path, second)[0] == "succeeded"
        children = children_of(server.pid)
        assert len(children) == 2  # gunicorn and the worker
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in children)
