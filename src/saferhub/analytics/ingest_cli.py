"""Command line for getting data into the warehouse: ``ingest``, ``counts`` and ``fetch``.

The lead wires these click commands into the top-level ``saferhub`` command, so a user runs
``saferhub ingest police-uk PATH...``, ``saferhub counts --by csp,month,crime_type`` and
``saferhub fetch police-uk --force F --from YYYY-MM --to YYYY-MM``. Every command takes
``--warehouse PATH`` (or ``SAFERHUB_WAREHOUSE``). ``ingest`` prints what happened to every file
and the totals, and exits with status 1 if any file was refused.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from saferhub.analytics import warehouse
from saferhub.analytics.counts import BY_LEVELS, count_crimes, missing_months
from saferhub.analytics.fetch import DEFAULT_BASE_URL, fetch_police_uk
from saferhub.analytics.geography import load_geography, load_population
from saferhub.analytics.ingest_police_uk import Progress, load_police_uk
from saferhub.analytics.ingest_report import LoadReport
from saferhub.analytics.partner import load_partner

__all__ = ["cli", "counts", "fetch", "ingest"]

PROGRESS_ENV = "SAFERHUB_PROGRESS"

warehouse_option = click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=warehouse.WAREHOUSE_ENV,
    default=None,
    help="Warehouse file (default: $SAFERHUB_WAREHOUSE or a file in your data directory).",
)
progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: only when stderr is a terminal).",
)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _open(path: Path | None) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(path if path is not None else warehouse.default_warehouse_path())


@contextmanager
def _progress_bar(enabled: bool | None) -> Iterator[Progress | None]:
    console = _stderr()
    show = (
        enabled
        if enabled is not None
        else (console.is_terminal or os.environ.get(PROGRESS_ENV) == "1")
    )
    if not show:
        yield None
        return
    with RichProgress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, object] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        yield update


def _print_report(report: LoadReport, *, verbose: bool) -> None:
    console = _stderr()
    for outcome in report.files:
        if outcome.status == "refused":
            console.print(f"[red]refused[/red] {outcome.name}: {outcome.message}")
        elif verbose or outcome.status in ("replaced",) or outcome.rows_quarantined:
            extra = f" ({outcome.message})" if outcome.message else ""
            console.print(
                f"{outcome.status} {outcome.name}: {outcome.rows_loaded} rows loaded, "
                f"{outcome.rows_quarantined} quarantined{extra}"
            )
    for note in report.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    table = Table(title="Ingest totals", show_header=True)
    table.add_column("files loaded", justify="right")
    table.add_column("skipped", justify="right")
    table.add_column("replaced", justify="right")
    table.add_column("refused", justify="right")
    table.add_column("rows loaded", justify="right")
    table.add_column("rows quarantined", justify="right")
    table.add_row(
        str(report.count("loaded")),
        str(report.count("skipped")),
        str(report.count("replaced")),
        str(report.count("refused")),
        f"{report.rows_loaded:,}",
        f"{report.rows_quarantined:,}",
    )
    console.print(table)
    if report.reasons:
        reasons = Table(title="Quarantined rows by reason")
        reasons.add_column("reason")
        reasons.add_column("rows", justify="right")
        for reason, n in report.reasons.most_common():
            reasons.add_row(reason, f"{n:,}")
        console.print(reasons)
        console.print(
            "Each quarantined row is in the warehouse table `quarantine` "
            "with its file, line number and reason."
        )


def _finish(report: LoadReport, verbose: bool) -> None:
    _print_report(report, verbose=verbose)
    if not report.ok:
        raise SystemExit(1)


verbose_option = click.option("--verbose", "-v", is_flag=True, help="List every file.")


@click.group()
def ingest() -> None:
    """Load police.uk, ONS geography and population, and partner data into the warehouse."""


@ingest.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@warehouse_option
@progress_option
@verbose_option
def ingest_police_uk(
    paths: tuple[Path, ...], warehouse_path: Path | None, progress: bool | None, verbose: bool
) -> None:
    """Load police.uk street, outcomes and stop-and-search files, folders, zips or .csv.gz."""
    con = _open(warehouse_path)
    _stderr().print(f"loading police.uk data into {warehouse_path or 'the default warehouse'}")
    with _progress_bar(progress) as bar:
        report = load_police_uk(con, paths, progress=bar)
    con.close()
    _finish(report, verbose)


def _simple(
    loader: Callable[[duckdb.DuckDBPyConnection, tuple[Path, ...]], LoadReport],
) -> Callable[..., None]:
    def run(paths: tuple[Path, ...], warehouse_path: Path | None, verbose: bool) -> None:
        con = _open(warehouse_path)
        report = loader(con, paths)
        con.close()
        _finish(report, verbose)

    return run


@ingest.command("geography")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@warehouse_option
@verbose_option
def ingest_geography(paths: tuple[Path, ...], warehouse_path: Path | None, verbose: bool) -> None:
    """Load ONS lookups (LSOA->ward->district, district->CSP->PFA, district->county)."""
    _simple(load_geography)(paths, warehouse_path, True)


@ingest.command("population")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@warehouse_option
@verbose_option
def ingest_population(paths: tuple[Path, ...], warehouse_path: Path | None, verbose: bool) -> None:
    """Load ONS mid-year population estimates (MYE4 summary CSV)."""
    _simple(load_population)(paths, warehouse_path, True)


@ingest.command("partner")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@warehouse_option
@verbose_option
def ingest_partner(paths: tuple[Path, ...], warehouse_path: Path | None, verbose: bool) -> None:
    """Load partner data CSVs in the SaferHub partner format (docs/partner-data.md)."""
    _simple(load_partner)(paths, warehouse_path, True)


@click.command()
@click.option(
    "--by",
    "by",
    default="csp,month,crime_type",
    show_default=True,
    help=f"Comma-separated grouping, in output order: {', '.join(BY_LEVELS)}.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--geography-version", type=int, default=None, help="ONS lookup year (default latest)."
)
@warehouse_option
def counts(by: str, fmt: str, geography_version: int | None, warehouse_path: Path | None) -> None:
    """Print recorded crime counts (rows without an LSOA under UNMAPPED) for reconciliation.

    Missing months (no file for a force) are listed on stderr: they are missing, not zero.
    """
    levels = [level.strip() for level in by.split(",") if level.strip()]
    con = _open(warehouse_path)
    try:
        header, rows = count_crimes(con, levels, geography_version=geography_version)
        missing = missing_months(con)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        con.close()
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    else:
        click.echo(json.dumps([dict(zip(header, row, strict=True)) for row in rows], indent=1))
    if missing:
        listed = ", ".join(f"{m.force} {m.month:%Y-%m}" for m in missing)
        click.echo(f"missing months (no data, not zero): {listed}", err=True)


@click.group()
def fetch() -> None:
    """Download open data and load it."""


@fetch.command("police-uk")
@click.option("--force", "force", required=True, help="police.uk force, e.g. west-mercia.")
@click.option("--from", "first", required=True, help="First month, YYYY-MM.")
@click.option("--to", "last", required=True, help="Last month, YYYY-MM.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
@warehouse_option
@progress_option
@verbose_option
def fetch_police_uk_command(
    force: str,
    first: str,
    last: str,
    base_url: str,
    warehouse_path: Path | None,
    progress: bool | None,
    verbose: bool,
) -> None:
    """Download police.uk monthly archives and load the chosen force's files."""
    con = _open(warehouse_path)
    console = _stderr()
    try:
        with _progress_bar(progress) as bar:
            report = fetch_police_uk(
                con,
                force=force,
                first=first,
                last=last,
                base_url=base_url,
                progress=bar,
                log=lambda message: console.print(message),
            )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        con.close()
    _finish(report, verbose)


@click.group()
def cli() -> None:
    """SaferHub data commands (also available as ``saferhub ingest|counts|fetch``)."""


cli.add_command(ingest)
cli.add_command(counts)
cli.add_command(fetch)

if __name__ == "__main__":  # pragma: no cover
    cli()
