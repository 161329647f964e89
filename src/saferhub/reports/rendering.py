"""A board report in each of its formats: PDF (WeasyPrint, A4), HTML, Excel and CSV.

Every format is made from the same :class:`~saferhub.reports.content.BoardReport`, so the
figures agree across formats; nothing here reads the warehouse or the database.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.template import loader
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from saferhub.reports import rules
from saferhub.reports.content import BoardReport, ReportLine
from saferhub.reports.rules import ReportFormat

_CSS_PATH = Path(__file__).parent / "templates" / "reports" / "print.css"


@functools.cache
def _css() -> str:
    return _CSS_PATH.read_text(encoding="utf-8")


def render_html(report: BoardReport) -> str:
    """The report as one self-contained HTML document (styles included, charts inline)."""
    return loader.render_to_string(
        "reports/document.html",
        {"report": report, "css": mark_safe(_css()), "for_print": True},  # noqa: S308 - our own stylesheet file
    )


def render_pdf(report: BoardReport) -> bytes:
    """The report as an A4 PDF with page numbers, for board papers."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # imported here: loading Pango takes a moment

    pdf: bytes = HTML(string=render_html(report), base_url=None).write_pdf()
    return pdf


SCORECARD_COLUMNS = (
    ("indicator_id", "Indicator id"),
    ("name", "Indicator"),
    ("count", "This period"),
    ("previous_count", "Year earlier"),
    ("change", "Change"),
    ("change_pct", "Change (%)"),
    ("rate", "Rate"),
    ("previous_rate", "Rate a year earlier"),
    ("per", "Rate per"),
    ("significant", "Significant change"),
    ("p_value", "p-value"),
    ("rag", "RAG"),
    ("peer_rank", "Peer rank (1 = highest)"),
    ("peer_size", "Peers with a figure"),
    ("peer_mean_rate", "Peer average rate"),
    ("complete", "Complete"),
    ("previous_complete", "Year earlier complete"),
)


def _cell(line: ReportLine, key: str) -> Any:
    value = getattr(line, key)
    if key == "change_pct" and value is not None:
        return round(value, 1)
    if key in ("rate", "previous_rate", "peer_mean_rate") and value is not None:
        return round(value, 3)
    if key == "p_value" and value is not None:
        return float(f"{value:.4g}")
    if key == "significant":
        return rules.significance_words(value)
    if key in ("complete", "previous_complete"):
        return "Yes" if value else "No"
    return value


def _heading_rows(report: BoardReport) -> list[list[str]]:
    marking = (
        f"Published version {report.published_version or ''}".strip()
        if report.published
        else (
            "Restricted: not for publication"
            if report.includes_restricted
            else "Internal: not for publication"
        )
    )
    rows = [
        [f"{report.partnership_name}: performance report, {report.period_label}"],
        [marking],
    ]
    if report.is_synthetic:
        rows.append(["Synthetic demo data: every figure is made up for demonstration"])
    return rows


def render_csv(report: BoardReport) -> str:
    """The scorecard as CSV: one row per indicator (figures hidden in a published report are
    empty), preceded by no title rows so it loads straight into a spreadsheet or script."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["partnership", "area_code", "period", "period_type"]
        + [key for key, _ in SCORECARD_COLUMNS]
        + ["published", "synthetic"]
    )
    for line in report.lines:
        row: list[Any] = [
            report.partnership_name,
            report.area_code,
            report.period,
            report.period_type,
        ]
        for key, _ in SCORECARD_COLUMNS:
            value = getattr(line, key)
            row.append("" if value is None else value)
        row += [report.published, report.is_synthetic]
        writer.writerow(row)
    return out.getvalue()


def _write_rows(sheet: Worksheet, rows: Iterable[Iterable[Any]]) -> None:
    for row in rows:
        sheet.append(list(row))


def render_xlsx(report: BoardReport) -> bytes:
    """The report as an Excel workbook: Scorecard, Series (monthly counts), Notes sheets."""
    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has one sheet
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = "Scorecard"
    heading = _heading_rows(report)
    _write_rows(sheet, heading)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([label for _, label in SCORECARD_COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in report.lines:
        sheet.append([_cell(line, key) for key, _ in SCORECARD_COLUMNS])
    sheet.freeze_panes = f"C{header_row + 1}"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 36

    series = book.create_sheet("Series")
    months = report.lines[0].series.months if report.lines else ()
    series.append(["Indicator id", "Indicator", *months])
    for heading_cell in series[1]:
        heading_cell.font = Font(bold=True)
    for line in report.lines:
        counts = dict(zip(line.series.months, line.series.counts, strict=True))
        series.append([line.indicator_id, line.name, *(counts.get(m) for m in months)])
    series.column_dimensions["B"].width = 36

    notes = book.create_sheet("Notes")
    _write_rows(notes, heading)
    notes.append([])
    notes.append(["Summary"])
    _write_rows(notes, ([s] for s in report.summary))
    notes.append([])
    notes.append(["Data notes and caveats"])
    _write_rows(notes, ([c] for c in report.caveats))
    notes.append([])
    notes.append(["Commentary"])
    _write_rows(notes, ([line.name, line.commentary] for line in report.lines if line.commentary))
    notes.append([])
    notes.append(["Definitions"])
    _write_rows(notes, ([line.name, line.definition] for line in report.lines))
    notes.append([])
    notes.append(["How these figures were produced"])
    notes.append(["Scorecard run", report.run_id])
    notes.append(["Produced", report.computed_at])
    notes.append(["Software version", report.software_version])
    notes.append(["Indicator definitions version", report.definitions_version])
    notes.append(["Warehouse fingerprint", report.warehouse_fingerprint])
    notes.append(["File", "Data", "Force", "Month", "SHA-256"])
    for item in report.inputs:
        notes.append(
            [
                item.get("name"),
                item.get("dataset"),
                item.get("force"),
                item.get("month"),
                item.get("sha256"),
            ]
        )
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: BoardReport, fmt: ReportFormat) -> bytes:
    """The report in ``fmt``, as bytes ready to send or save."""
    if fmt is ReportFormat.PDF:
        return render_pdf(report)
    if fmt is ReportFormat.XLSX:
        return render_xlsx(report)
    if fmt is ReportFormat.CSV:
        return render_csv(report).encode("utf-8")
    return render_html(report).encode("utf-8")


def file_name(report: BoardReport, fmt: ReportFormat) -> str:
    """A download's file name, e.g. ``brackenford-2022-Q2-report.pdf``."""
    kind = "published" if report.published else "report"
    return f"{report.partnership_slug}-{report.token}-{kind}.{fmt.value}"
