"""Dashboard benchmark: the partnership dashboard page under 20 concurrent users.

Uses the 60-million-row national warehouse that ``benchmarks/scorecard_benchmark.py`` builds
(``benchmarks/work/scorecard_60000000.duckdb``; run that first, or pass ``--warehouse``). In a
fresh data directory it migrates a SQLite database, creates a county board for
Leicestershire (E10000018: the county and its seven CSPs, peers every county) and an
analyst, then:

1. **uncached first computation**: ``scorecard_run_for`` for three periods no run exists for
   (what the first visitor after a data load would wait for without stored runs), in-process;
2. starts gunicorn on 127.0.0.1 exactly as ``saferhub run`` does (3 sync workers), signs in
   through the real sign-in page, and times the dashboard page (stored runs; each worker
   renders a run's tables once) from 20 concurrent users in Python threads, each sending
   requests back to back (no think time: the worst case), bounded in count and time;
3. beside it in the same run, the uncached dashboard over HTTP: one request each for
   periods never computed (the page computes and stores the run).

Reports p50/p95/p99/max latency, errors and throughput. Re-run::

    .venv/bin/python benchmarks/dashboard_benchmark.py [--users 20] [--requests 40]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
DEFAULT_WAREHOUSE = HERE / "work" / "scorecard_60000000.duckdb"
PASSWORD = "benchmark-password-that-is-long-42"  # noqa: S105 - a throwaway benchmark account


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Session:
    """A signed-in browser: cookies kept between requests to one server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie = SimpleCookie(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        conn.close()
        return response.status, content, dict(response.getheaders())

    def sign_in(self, username: str) -> None:
        status, content, _ = self.request("GET", "/account/sign-in")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            raise RuntimeError(f"sign-in page: {status}")
        status, _, _ = self.request(
            "POST",
            "/account/sign-in",
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": PASSWORD,
            },
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")


def setup_django(data_dir: Path, warehouse: Path) -> None:
    os.environ.update(
        {
            "SAFERHUB_DATA_DIR": str(data_dir),
            "SAFERHUB_WAREHOUSE": str(warehouse),
            "SAFERHUB_HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "saferhub.config.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def create_partnership() -> tuple[Any, str]:
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation, Partnership
    from saferhub.organisations.rules import Role

    board = services.partnership_create(
        actor=None,
        name="Leicestershire Safer Communities Board",
        kind=Partnership.Kind.COUNTY_BOARD,
        code="E10000018",
        require_two_factor=False,
    )
    council = services.organisation_create(
        actor=None,
        name="Leicestershire County Council",
        kind=Organisation.Kind.COUNTY_COUNCIL,
        partnerships=[board],
    )
    services.member_add(
        actor=None,
        organisation=council,
        username="bench-analyst",
        first_name="Bench",
        last_name="Analyst",
        email="bench@example.test",
        role=Role.ANALYST,
        password=PASSWORD,
    )
    return board, "bench-analyst"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="per user")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()
    if not args.warehouse.exists():
        sys.exit(f"{args.warehouse} not found: run benchmarks/scorecard_benchmark.py first")

    data_dir = Path(tempfile.mkdtemp(prefix="saferhub-dashboard-bench-"))
    setup_django(data_dir, args.warehouse)
    import duckdb

    from saferhub.performance import rules
    from saferhub.performance.services import scorecard_run_for
    from saferhub.performance.warehouse import state

    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        street_rows = con.execute("SELECT sum(n) FROM crime_count").fetchone()[0]  # type: ignore[index]
    board, username = create_partnership()
    current = state()
    choices = rules.period_choices(current.last_month, current.first_month)
    default = rules.default_period(choices)
    assert default is not None
    quarters = [c for c in choices if c.period_type == "quarter"]

    # 1. Uncached first computation, in-process.
    uncached = []
    for choice in quarters[1:4]:
        started = time.perf_counter()
        run = scorecard_run_for(
            partnership=board, period=choice.period, period_type=choice.period_type
        )
        uncached.append(time.perf_counter() - started)
    results_per_run = len(run.results)
    scorecard_run_for(partnership=board, period=default.period, period_type=default.period_type)

    # 2. gunicorn as `saferhub run` starts it.
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saferhub.config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            "--forwarded-allow-ips=127.0.0.1",
            "--timeout=120",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        path = f"/performance/{board.slug}/?period={default.value}"
        sessions = []
        for _ in range(args.users):
            session = Session(port)
            session.sign_in(username)
            sessions.append(session)
        status, content, _ = sessions[0].request("GET", path)
        if status != 200 or b"Charnwood" not in content:
            raise RuntimeError(f"dashboard check failed: {status}")
        page_bytes = len(content)
        for _ in range(args.workers * 4):  # each worker renders the run's tables once
            sessions[0].request("GET", path)

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.max_seconds

        def user(session: Session) -> None:
            for _ in range(args.requests):
                if time.monotonic() > stop_at:
                    return
                started = time.perf_counter()
                try:
                    status, body, _ = session.request("GET", path)
                    ok = status == 200 and b"All crime" in body
                except OSError as error:
                    ok, status = False, str(error)  # type: ignore[assignment]
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(str(status))

        threads = [threading.Thread(target=user, args=(s,)) for s in sessions]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began

        # 3. Uncached over HTTP: periods never computed.
        uncached_http = []
        for choice in [c for c in choices if c.period_type in ("fy", "fytd")][:2]:
            started = time.perf_counter()
            status, _, _ = sessions[0].request(
                "GET",
                f"/performance/{board.slug}/?{urlencode({'period': choice.value})}",
            )
            uncached_http.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"uncached {status}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    ms = [v * 1000 for v in latencies]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"Warehouse: {args.warehouse.name}, {street_rows:,} street rows")
    print(
        f"Partnership: Leicestershire county (E10000018) + 7 CSPs, peers every county; "
        f"{results_per_run} results per run; period {default.label}; page {page_bytes:,} bytes"
    )
    print(
        f"Stored runs, {args.users} concurrent users x {args.requests} requests "
        f"(gunicorn, {args.workers} sync workers): {len(ms)} requests in {wall:.1f} s "
        f"({len(ms) / wall:.1f} req/s), errors {len(errors)}"
    )
    print(
        f"  p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
        f"p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms"
    )
    print(
        "Uncached first computation (in-process scorecard_run_for, 3 quarters): "
        + ", ".join(f"{v:.2f} s" for v in uncached)
        + f"; median {statistics.median(uncached):.2f} s"
    )
    print(
        "Uncached dashboard over HTTP (new period, computed in the request): "
        + ", ".join(f"{v:.2f} s" for v in uncached_http)
    )
    ratio = statistics.median(uncached) * 1000 / statistics.median(ms)
    print(f"Stored-run median vs uncached computation median: {ratio:.0f}x faster")
    if errors:
        print("Errors:", errors[:10])


if __name__ == "__main__":
    main()
