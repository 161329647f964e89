"""`saferhub run`'s web server workers (the case work benchmark serves the same way)."""

import os
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
