"""What a load did: per-file outcomes and totals, so every input row is accounted for.

Each file given to an ingest ends in exactly one state: ``loaded`` (its rows are in the
warehouse, less any quarantined), ``replaced`` (loaded, and it superseded an older download of
the same force, month and dataset), ``skipped`` (the same bytes were loaded before) or
``refused`` (not a file of the expected kind; nothing from it was written). For loaded files,
``rows_read == rows_loaded + rows_quarantined``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["FileOutcome", "LoadReport", "Status", "reason_category"]

Status = Literal["loaded", "replaced", "skipped", "refused"]


def reason_category(reason: str) -> str:
    """The short kind of a quarantine reason (the text before its first colon)."""
    return reason.split(":", 1)[0].strip()


@dataclass
class FileOutcome:
    """What happened to one input file."""

    name: str
    status: Status
    message: str = ""
    dataset: str | None = None
    force: str | None = None
    month: str | None = None
    file_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class LoadReport:
    """All file outcomes of one load, with the totals ``saferhub ingest`` prints."""

    files: list[FileOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """Number of files that ended in ``status``."""
        return sum(1 for outcome in self.files if outcome.status == status)

    @property
    def rows_read(self) -> int:
        """Data rows read from files that were loaded."""
        return sum(outcome.rows_read for outcome in self.files)

    @property
    def rows_loaded(self) -> int:
        """Rows written to the warehouse."""
        return sum(outcome.rows_loaded for outcome in self.files)

    @property
    def rows_quarantined(self) -> int:
        """Rows rejected into the quarantine table, each with file, line and reason."""
        return sum(outcome.rows_quarantined for outcome in self.files)

    @property
    def reasons(self) -> Counter[str]:
        """Quarantined rows by kind of reason, over all files."""
        total: Counter[str] = Counter()
        for outcome in self.files:
            total.update(outcome.reasons)
        return total

    @property
    def refused(self) -> list[FileOutcome]:
        """Files refused as a whole."""
        return [outcome for outcome in self.files if outcome.status == "refused"]

    @property
    def ok(self) -> bool:
        """True when no file was refused."""
        return not self.refused

    def merge(self, other: LoadReport) -> None:
        """Add another report's files and notes to this one."""
        self.files.extend(other.files)
        self.notes.extend(other.notes)
