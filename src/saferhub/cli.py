"""The `saferhub` command: run the service, manage its database and demo data, verify the
audit trail, and (without Django) load and analyse the data warehouse."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"saferhub: {message}", err=True)
    sys.exit(code)


def _django(*, database: bool = True) -> None:
    """Start Django; with `database`, also check the database answers (one clear line if not)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferhub.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        _fail(f"configuration problem: {error}")
    if database:
        from saferhub.core.database import database_problem

        problem = database_problem()
        if problem:
            _fail(problem)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saferhub")
def main() -> None:
    """SaferHub: one system for Community Safety Partnerships."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=int,
    help="web server processes [default: two per CPU core, plus one]",
)
@click.option(
    "--worker/--no-worker",
    "with_worker",
    default=True,
    show_default=True,
    help="Also run the background worker that loads uploaded data (turn off where "
    "`saferhub worker` runs as its own service).",
)
def run(host: str, port: int, workers: int | None, with_worker: bool) -> None:
    """Run the web service (gunicorn) and, beside it, the background worker."""
    _django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    server_command = [
        sys.executable,
        "-m",
        "gunicorn",
        "saferhub.config.wsgi",
        f"--bind={host}:{port}",
        *gunicorn_worker_options(workers),
        "--access-logfile=-",
        "--forwarded-allow-ips=127.0.0.1",
    ]
    click.echo(f"SaferHub is running on http://{host}:{port}/ (press Ctrl+C to stop)")
    if not with_worker:
        os.execv(sys.executable, server_command)  # noqa: S606 - our own arguments
    sys.exit(_run_with_worker(server_command))


def gunicorn_worker_options(workers: int | None = None) -> list[str]:
    """gunicorn's worker settings for `saferhub run` (and the case work benchmark, which
    serves the same way): synchronous workers, two per CPU core plus one by default (a
    request spends part of its time waiting for PostgreSQL, so a core has a second request
    to run meanwhile), and their heartbeat files in memory where Linux offers /dev/shm (a
    busy disk then never stalls a worker)."""
    count = workers if workers and workers > 0 else 2 * (os.cpu_count() or 1) + 1
    options = [f"--workers={count}"]
    if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn makes its own private files there
        options.append("--worker-tmp-dir=/dev/shm")
    return options


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "saferhub.cli", "worker"]


def _run_with_worker(server_command: list[str]) -> int:
    """Run gunicorn and the task worker as child processes; when either is asked to stop
    (Ctrl+C, SIGTERM) or the server ends, stop both. A worker that dies is restarted (a few
    times), so uploads keep being processed."""
    import signal
    import subprocess
    import time

    server = subprocess.Popen(server_command)  # noqa: S603 - our own arguments
    worker = subprocess.Popen(_worker_command())  # noqa: S603 - our own arguments
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in (server, worker):
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    restarts = 0
    try:
        while server.poll() is None:
            if not stopping and worker.poll() is not None and restarts < 5:
                restarts += 1
                click.echo("saferhub: the background worker stopped; starting it again", err=True)
                worker = subprocess.Popen(_worker_command())  # noqa: S603 - our own arguments
            time.sleep(0.5)
    finally:
        for child in (worker, server):
            if child.poll() is None:
                child.terminate()
        for child in (worker, server):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0 if stopping else (server.returncode or 0)


@main.command()
@click.option("--batch", is_flag=True, help="Run the queued tasks, then exit.")
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=float,
    help="Seconds between looks at the queue when it is empty.",
)
def worker(batch: bool, interval: float) -> None:
    """Run the background worker: loads uploaded data files into the warehouse, one at a
    time. `saferhub run` starts one; run it yourself when the web server runs elsewhere."""
    _django()
    from django.core.management import call_command

    options: dict[str, object] = {
        "interval": interval,
        "batch": batch,
        "reload": False,
        "startup_delay": False,
        "verbosity": 1,
    }
    call_command("db_worker", **options)


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)


@main.command()
def demo() -> None:
    """Seed the fictional demo partnership (running it again changes nothing)."""
    _django()
    from saferhub.demo import seed_demo

    summary = seed_demo()
    click.echo(summary.as_text())


@main.command("case-figures")
def case_figures() -> None:
    """Export the case system's figures (cases opened and closed, reviews overdue, MARAC
    referrals: counts by district and month) into the warehouse for the case indicators,
    then refresh the stored scorecards. Run it daily (e.g. from cron) while no load runs."""
    _django()
    from saferhub.performance.case_figures import case_figures_export
    from saferhub.performance.services import scorecard_runs_refresh

    exported = case_figures_export(None)
    click.echo(exported.message)
    if exported.status == "loaded":
        scorecard_runs_refresh()


@main.command()
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--first-name", default="System")
@click.option("--last-name", default="Administrator")
@click.option(
    "--organisation", "organisation_name", required=True, help="Created if it does not exist."
)
@click.option(
    "--organisation-kind",
    default="county_council",
    show_default=True,
    help="The organisation's type, if it is created.",
)
@click.option(
    "--partnership", "partnership_name", default="", help="Created (as a CSP) if it does not exist."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def createadmin(
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    organisation_name: str,
    organisation_kind: str,
    partnership_name: str,
    password_stdin: bool,
) -> None:
    """Create a system administrator (for example the first account on a new installation)."""
    _django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from saferhub.organisations.bootstrap import administrator_create

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password)
        administrator_create(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=password,
            organisation_name=organisation_name,
            organisation_kind=organisation_kind,
            partnership_name=partnership_name,
        )
    except ValidationError as error:
        _fail("; ".join(error.messages))
    click.echo(f"Created system administrator {username} in {organisation_name}")


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
def audit_verify_command() -> None:
    """Check the whole hash chain; name the first broken event and exit 1 if any."""
    _django()
    from saferhub.audit.services import audit_verify

    result = audit_verify()
    if result.ok:
        click.echo(f"Audit trail intact: {result.events_checked} events checked")
        return
    click.echo(
        f"Audit trail BROKEN after {result.events_checked} good events: {result.problem}", err=True
    )
    sys.exit(1)


@main.command()
@click.option("--partnership", "partnership_text", required=True, help="Slug or name.")
@click.option("--period", required=True, help="2022-Q2, 2022/23 or 2022-07.")
@click.option(
    "--period-type",
    type=click.Choice(["month", "quarter", "fy", "fytd", "rolling-12"]),
    default=None,
    help="Default: the period's own type (2022-Q2 is a quarter).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "xlsx", "csv"]),
    default="pdf",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False), help="Default: a name in this folder.")
@click.option("--published", is_flag=True, help="The published version (small numbers hidden).")
@click.option(
    "--include-restricted",
    is_flag=True,
    help="Include restricted indicators in the internal version (never in the published one).",
)
def report(
    partnership_text: str,
    period: str,
    period_type: str | None,
    fmt: str,
    output: str | None,
    published: bool,
    include_restricted: bool,
) -> None:
    """Make a partnership's board report from the warehouse (PDF, HTML, Excel or CSV)."""
    _django()
    from saferhub.reports.command import ReportCommandError, write_report

    try:
        path = write_report(
            partnership=partnership_text,
            period=period,
            period_type=period_type,
            fmt=fmt,
            output=output,
            published=published,
            include_restricted=include_restricted,
        )
    except ReportCommandError as error:
        _fail(str(error))
    click.echo(f"Wrote {path}")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command, e.g. `saferhub manage check --deploy`."""
    _django(database=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["saferhub manage", *args])


def _register_analytics() -> None:
    """The warehouse commands: pure analytics, no Django."""
    import importlib

    for module_name, names in (
        ("saferhub.analytics.ingest_cli", ("ingest", "counts", "fetch")),
        ("saferhub.analytics.scorecard_cli", ("scorecard_command",)),
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # pragma: no cover - only while the package is being built
            continue
        for name in names:
            command = getattr(module, name, None)
            if isinstance(command, click.Command):
                main.add_command(command, command.name)


_register_analytics()


if __name__ == "__main__":  # `python -m saferhub.cli`, used by `saferhub run`
    main()
