"""The ``scorecard`` command: a CSP's performance scorecard as a table, CSV, JSON or HTML.

Wired into the top-level ``saferhub`` command as ``saferhub scorecard``. Example::

    saferhub scorecard --area Charnwood --period 2022-Q2 --period-type rolling-12 --format json

``--published`` applies disclosure control (small counts hidden) for anything that leaves the
partnership; without it the output keeps exact numbers for internal use.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
import duckdb
from rich.console import Console
from rich.table import Table

from saferhub.analytics import warehouse
from saferhub.analytics.disclosure import DisclosureRule
from saferhub.analytics.indicators import IndicatorError, load_indicators
from saferhub.analytics.periods import PeriodError, PeriodType, resolve_period
from saferhub.analytics.scorecard import (
    AreaNotFoundError,
    IndicatorResult,
    NoDataError,
    publish,
    scorecard,
)
from saferhub.analytics.stats import DEFAULT_ALPHA

__all__ = ["result_record", "scorecard_command"]

CSV_FIELDS = (
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "period",
    "count",
    "rate_per_1000",
    "previous_period",
    "previous_count",
    "change",
    "change_pct",
    "p_value",
    "significant",
    "ratio_ci_low",
    "ratio_ci_high",
    "peer_rank",
    "peer_size",
    "peer_mean_rate",
    "peer_comparison",
    "rag",
    "complete",
    "population_year",
    "definition_version",
    "notes",
)


def _clean(value: Any) -> Any:
    """JSON-safe: non-finite floats (an unbounded interval) become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def result_record(result: IndicatorResult) -> dict[str, Any]:
    """One scorecard line as plain JSON-ready data (the documented JSON object)."""
    record: dict[str, Any] = _clean(asdict(result))
    return record


def _format_number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _rows_for_display(results: Sequence[IndicatorResult]) -> list[list[str]]:
    rows = []
    for r in results:
        pct = "-" if r.change_pct is None else f"{r.change_pct:+.1f}%"
        interval = (
            "-"
            if r.ratio_ci_low is None or r.ratio_ci_high is None
            else f"{r.ratio_ci_low:.2f}-{r.ratio_ci_high:.2f}"
        )
        rank = "-" if r.peer_rank is None else f"{r.peer_rank} of {r.peer_size}"
        rows.append(
            [
                r.indicator_name,
                _format_number(r.count, 0) + ("" if r.complete else " *"),
                _format_number(r.rate_per_1000),
                _format_number(r.previous_count, 0),
                pct,
                _format_number(r.significant),
                interval,
                rank,
                _format_number(r.peer_mean_rate),
                r.rag or "-",
            ]
        )
    return rows


HEADERS = (
    "Indicator",
    "Count",
    "Rate per 1,000",
    "Year earlier",
    "Change",
    "Significant",
    "Rate ratio 95% CI",
    "Peer rank",
    "Peer mean",
    "RAG",
)


def _render_table(results: Sequence[IndicatorResult]) -> str:
    first = results[0]
    table = Table(
        title=f"{first.area_name} ({first.area_code}): {first.period}",
        caption="* incomplete: months missing (see notes). Rates per 1,000 residents.",
    )
    for header in HEADERS:
        table.add_column(header, justify="left" if header == "Indicator" else "right")
    for row in _rows_for_display(results):
        table.add_row(*row)
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, force_terminal=False, color_system=None)
    console.print(table)
    notes = dict.fromkeys(n for r in results for n in r.notes)
    for note in notes:
        console.print(f"- {note}", soft_wrap=True)
    return buffer.getvalue()


def _render_csv(results: Sequence[IndicatorResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in results:
        record = result_record(r)
        record["notes"] = " | ".join(r.notes)
        writer.writerow(["" if record[f] is None else record[f] for f in CSV_FIELDS])
    return buffer.getvalue()


def _render_html(results: Sequence[IndicatorResult]) -> str:
    first = results[0]
    title = html.escape(f"{first.area_name} ({first.area_code}): {first.period}")
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in _rows_for_display(results)
    )
    notes = "".join(
        f"<li>{html.escape(n)}</li>" for n in dict.fromkeys(n for r in results for n in r.notes)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<table><caption>Scorecard</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table><h2>Notes</h2><ul>{notes}</ul></main></body></html>\n"
    )


@click.command("scorecard")
@click.option("--area", required=True, help="CSP, district, county or force area: code or name.")
@click.option("--period", "period_text", required=True, help="2022-07, 2022-Q2 or 2022/23.")
@click.option(
    "--period-type",
    type=click.Choice([t.value for t in PeriodType] + ["indicator"]),
    default=None,
    help="Months reported, ending with the period; 'indicator' uses each indicator's own type. "
    "Default: the period's own type.",
)
@click.option("--peers", default=None, help="Peer group: comma-separated area codes or names.")
@click.option(
    "--indicators",
    "indicators_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Indicator file (TOML); default: the shipped default set.",
)
@click.option("--only", default=None, help="Comma-separated indicator ids to show.")
@click.option("--alpha", type=float, default=DEFAULT_ALPHA, show_default=True)
@click.option("--published", is_flag=True, help="Apply disclosure control (for publication).")
@click.option("--threshold", type=int, default=5, show_default=True, help="With --published.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=warehouse.WAREHOUSE_ENV,
    default=None,
    help=f"Warehouse file (or ${warehouse.WAREHOUSE_ENV}).",
)
def scorecard_command(
    area: str,
    period_text: str,
    period_type: str | None,
    peers: str | None,
    indicators_path: Path | None,
    only: str | None,
    alpha: float,
    published: bool,
    threshold: int,
    output_format: str,
    warehouse_path: Path | None,
) -> None:
    """Print the performance scorecard for an area and period."""
    path = warehouse_path or warehouse.default_warehouse_path()
    if not path.exists():
        raise click.ClickException(
            f"no warehouse at {path}: load data with `saferhub ingest` or pass --warehouse"
        )
    if not 0 < alpha < 1:
        raise click.BadParameter("must be between 0 and 1", param_hint="--alpha")
    try:
        indicators = load_indicators(indicators_path)
        if only:
            indicators = indicators.only([i.strip() for i in only.split(",") if i.strip()])
        period = resolve_period(
            period_text, None if period_type in (None, "indicator") else period_type
        )
    except (IndicatorError, PeriodError, KeyError) as error:
        raise click.ClickException(str(error).strip("'\"")) from error
    peer_list = [p.strip() for p in peers.split(",") if p.strip()] if peers else None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise click.ClickException(f"cannot open the warehouse {path}: {error}") from error
    try:
        results = scorecard(
            con,
            area,
            period,
            indicators,
            peers=peer_list,
            alpha=alpha,
            per_indicator_period=period_type == "indicator",
        )
    except (AreaNotFoundError, NoDataError) as error:
        raise click.ClickException(str(error.args[0])) from error
    finally:
        con.close()
    if published:
        results = publish(results, indicators, DisclosureRule(threshold=threshold))
    if output_format == "json":
        click.echo(json.dumps([result_record(r) for r in results], indent=2))
    elif output_format == "csv":
        click.echo(_render_csv(results), nl=False)
    elif output_format == "html":
        click.echo(_render_html(results), nl=False)
    else:
        click.echo(_render_table(results), nl=False)
