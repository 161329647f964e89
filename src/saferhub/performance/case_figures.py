"""Case indicators: the case system's management figures in the warehouse, beside crime.

The case system's figures (cases opened and closed by case type, reviews overdue, MARAC
referrals new and repeat) are turned into partner data rows (counts by district and month,
never a name, a reference or a date of birth) and loaded through the one partner loader
(``analytics.partner.load_partner``), so the scorecard reads them with the same indicator
definitions as every other partner dataset (``saferhub-*`` datasets in
``analytics/indicators/default.toml``; docs/partner-data.md).

Counting follows casework management information (``casework_mi.rules``) for the whole case
system (every organisation's cases: the scorecard shows area totals, not any organisation's
records):

- ``saferhub-cases-opened``: cases opened in the month (local date), category = case type code;
- ``saferhub-cases-closed``: cases closed in the month, category = case type code;
- ``saferhub-reviews-overdue``: reviews not completed whose due date is before today, on cases
  not closed, by the month they fell due (the total over all months is casework MI's
  "reviews overdue"), category = case type code;
- ``saferhub-marac-referrals``: MARAC referrals by the month referred, category ``new`` or
  ``repeat`` (marac.rules.is_repeat).

A case's area is its district (``casework_mi.selectors.case_districts``); cases with no
district cannot be placed on the map and are left out (the export reports how many).

The export is one file, always at the same place (``DATA_DIR/case-figures/``), written
afresh each time: the same figures give the same bytes, which the loader skips, so the
warehouse fingerprint (and the stored scorecard runs keyed on it) change only when a figure
changes. The file covers every dataset and month from the first month with a figure to
this month, with zero rows where nothing happened: the loader replaces each month it holds
(so a month whose cases were erased or moved is cleared) and the scorecard counts those
months as covered rather than missing. Months before the first figure are missing (the
case system was not in use). A month another file gives (the demo's synthetic history) is
left to it unless the case system has a figure for that month.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saferhub.analytics import partner, warehouse
from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.cases.models import Case, CaseReview
from saferhub.cases.rules import Status
from saferhub.casework_mi.rules import Period, months_in
from saferhub.casework_mi.selectors import case_districts
from saferhub.marac.models import MaracReferral
from saferhub.organisations.access import AnyUser

__all__ = [
    "DATASETS",
    "CaseFigure",
    "CaseFiguresExport",
    "case_figures",
    "case_figures_export",
    "export_path",
]

DATASETS = {
    "saferhub-cases-opened": "cases opened in the case system, category = case type code",
    "saferhub-cases-closed": "cases closed in the case system, category = case type code",
    "saferhub-reviews-overdue": (
        "case reviews now overdue on open cases, by the month they fell due; "
        "category = case type code"
    ),
    "saferhub-marac-referrals": "MARAC referrals in the case system, category new or repeat",
}
"""The partner datasets the case system exports (counts only)."""

EXPORT_NAME = "saferhub-case-figures.csv"


@dataclass(frozen=True, slots=True, order=True)
class CaseFigure:
    """One count: dataset, month (first day), district code, category."""

    dataset: str
    month: datetime.date
    area_code: str
    category: str
    count: int


def export_path() -> Path:
    """Where the export file is written (the loader records this name)."""
    return Path(settings.DATA_DIR) / "case-figures" / EXPORT_NAME


def case_figures(*, today: datetime.date) -> tuple[list[CaseFigure], int]:
    """The case system's counts by dataset, month, district and category (zero counts left
    out), and how many cases or referrals were left out for having no district."""
    counts: Counter[tuple[str, datetime.date, str, str]] = Counter()
    no_district = 0
    cases = list(Case.objects.values_list("pk", "case_type", "status", "opened_at", "closed_at"))
    districts = case_districts([pk for pk, *_ in cases])
    for pk, case_type, status, opened_at, closed_at in cases:
        district = districts.get(pk)
        if not district:
            no_district += 1
            continue
        opened = timezone.localdate(opened_at)
        counts["saferhub-cases-opened", opened.replace(day=1), district, case_type] += 1
        if status == Status.CLOSED and closed_at is not None:
            closed = timezone.localdate(closed_at)
            counts["saferhub-cases-closed", closed.replace(day=1), district, case_type] += 1
    case_type_of = {pk: case_type for pk, case_type, *_ in cases}
    overdue = (
        CaseReview.objects.filter(completed_at__isnull=True, due_on__lt=today)
        .exclude(case__status=Status.CLOSED)
        .values_list("case_id", "due_on")
    )
    for case_id, due_on in overdue:
        district = districts.get(case_id)
        if district:
            key = ("saferhub-reviews-overdue", due_on.replace(day=1), district)
            counts[(*key, case_type_of[case_id])] += 1
    for case_id, referred_on, repeat in MaracReferral.objects.values_list(
        "case_id", "referred_on", "is_repeat"
    ):
        district = districts.get(case_id)
        if not district:
            no_district += 1
            continue
        category = "repeat" if repeat else "new"
        counts["saferhub-marac-referrals", referred_on.replace(day=1), district, category] += 1
    figures = sorted(CaseFigure(*key, n) for key, n in counts.items() if n)
    return figures, no_district


@dataclass(frozen=True, slots=True)
class CaseFiguresExport:
    """What an export did."""

    status: str
    """``loaded`` (the warehouse changed), ``unchanged`` (same figures as last time) or
    ``empty`` (no case with a district yet: nothing written)."""
    rows: int
    left_out: int
    message: str


def _held(
    con: duckdb.DuckDBPyConnection, path: Path
) -> tuple[dict[tuple[str, datetime.date], str], set[tuple[str, datetime.date]]]:
    """The (dataset, month) pairs of the case datasets now in the warehouse: those the last
    export left (each with an area code it used), and those other files gave."""
    rows = con.execute(
        """
        SELECT partner_record.dataset, partner_record.month, min(partner_record.area_code),
               source_file.name = ?
        FROM partner_record JOIN source_file USING (file_id)
        WHERE source_file.dataset = 'partner' AND list_contains(?, partner_record.dataset)
        GROUP BY ALL
        """,
        [str(path), list(DATASETS)],
    ).fetchall()
    ours = {(dataset, month): code for dataset, month, code, mine in rows if mine}
    others = {(dataset, month) for dataset, month, _code, mine in rows if not mine}
    return ours, others


def _csv_bytes(
    figures: list[CaseFigure],
    held: tuple[dict[tuple[str, datetime.date], str], set[tuple[str, datetime.date]]],
    today: datetime.date,
) -> bytes:
    """The export file. Zero rows make the loader replace, and the scorecard count as
    covered (not missing), every month from the first exported to this one: months the last
    export had but this one has not (cases erased or moved), and months with nothing to
    count, unless another file (the demo's history) holds that month and there is nothing
    to put in its place."""
    ours, others = held
    rows = [[f.dataset, f"{f.month:%Y-%m}", f.area_code, f.category, f.count] for f in figures]
    present = {(f.dataset, f.month) for f in figures}
    anchor = figures[0].area_code if figures else next(iter(ours.values()))
    first = min([f.month for f in figures] + [month for _dataset, month in ours])
    for month in months_in(Period(first, max(today, first))):
        for dataset in DATASETS:
            key = (dataset, month)
            if key in present or (key in others and key not in ours):
                continue
            rows.append([dataset, f"{month:%Y-%m}", ours.get(key, anchor), "", 0])
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2]), str(r[3])))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dataset", "month", "area_code", "category", "count"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _audit(actor: AnyUser | None, rows: int, left_out: int) -> None:
    audit_record(
        actor=actor,
        action="case_figures.exported",
        operation=Operation.ALTERATION,
        target_type="warehouse",
        payload={"rows": rows, "left_out": left_out},
    )


@transaction.atomic
def case_figures_export(
    actor: AnyUser | None,
    *,
    warehouse_path: Path | None = None,
    today: datetime.date | None = None,
) -> CaseFiguresExport:
    """Export the case system's figures into the warehouse (replacing the last export).

    Only the warehouse's writer may call this (the data-load worker, ``saferhub demo``,
    ``saferhub case-figures``): it opens the warehouse for writing. Idempotent: the same
    figures give the same file, which the loader skips. An export that changed the
    warehouse is audited as ``case_figures.exported`` (counts only: no personal data leaves
    the case system).
    """
    day = today or timezone.localdate()
    target = Path(warehouse_path or settings.WAREHOUSE_PATH)
    path = export_path()
    figures, left_out = case_figures(today=day)
    con = warehouse.connect(target)
    try:
        held = _held(con, path)
        if not figures and not held[0]:
            return CaseFiguresExport("empty", 0, left_out, "No case has a district yet.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(figures, held, day))
        report = partner.load_partner(con, [path])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    outcome = report.files[0]
    if outcome.status == "refused":  # pragma: no cover - the file is made to the format
        raise RuntimeError(f"case figures export refused: {outcome.message}")
    status = "loaded" if outcome.status == "loaded" else "unchanged"
    if status == "loaded":
        _audit(actor, outcome.rows_read, left_out)
    message = (
        f"Case figures: {len(figures)} counts exported"
        if status == "loaded"
        else "Case figures unchanged since the last export"
    )
    if left_out:
        message += f" ({left_out} cases or referrals have no district and are not counted)"
    return CaseFiguresExport(status, len(figures), left_out, message + ".")
