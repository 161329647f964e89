"""`saferhub run`'s web server workers (the case work benchmark serves the same way)."""

import os
import subprocess
import sys
from pathlib import Path

from saferhub.cli import gunicorn_worker_options


def test_two_workers_per_core_plus_one_unless_told() -> None:
    options = gunicorn_worker_options()
    assert options[0] == f"--workers={2 * (os.cpu_count() or 1) + 1}"
    assert gunicorn_worker_options(3)[0] == "--workers=3"
    assert gunicorn_worker_options(0)[0] == options[0]


def test_heartbeat_files_live_in_memory_where_linux_offers_it() -> None:
    in_memory = "--worker-tmp-dir=/dev/shm" in gunicorn_worker_options()
    assert in_memory == Path("/dev/shm").is_dir()  # noqa: S108 - only looked at


def test_a_worker_freezes_what_loading_made_out_of_the_collectors_reach() -> None:
    # In a fresh interpreter, as a gunicorn worker loads the application.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, saferhub.config.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SAFERHUB_HTTPS": "false"},
    )
    frozen, collected = map(int, loaded.stdout.split())
    assert frozen > 10 * collected
