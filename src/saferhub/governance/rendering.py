"""A subject access export as JSON, a standalone HTML document and an A4 PDF (WeasyPrint).

Every format renders the same SubjectAccessExport, so they agree; nothing here reads the
database.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.template import loader
from django.utils.safestring import mark_safe

from saferhub.governance.subject_access import SubjectAccessExport

_CSS_PATH = Path(__file__).parent / "templates" / "governance" / "subject_access_print.css"


@functools.cache
def _css() -> str:
    return _CSS_PATH.read_text(encoding="utf-8")


def render_json(export: SubjectAccessExport) -> bytes:
    """The export as indented UTF-8 JSON."""
    return json.dumps(export.as_json_data(), indent=2, ensure_ascii=False).encode("utf-8")


def render_document(export: SubjectAccessExport) -> str:
    """The export as one self-contained HTML document (styles included), for the PDF."""
    return loader.render_to_string(
        "governance/subject_access_document.html",
        {"export": export, "css": mark_safe(_css())},  # noqa: S308 - our own stylesheet file
    )


def render_pdf(export: SubjectAccessExport) -> bytes:
    """The export as an A4 PDF with page numbers."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # imported here: loading Pango takes a moment

    pdf: bytes = HTML(string=render_document(export), base_url=None).write_pdf()
    return pdf


def filename(export: SubjectAccessExport, extension: str) -> str:
    """A download name that says what it is without naming the person."""
    return f"subject-access-person-{export.person_id}-{export.generated_at:%Y%m%d}.{extension}"
