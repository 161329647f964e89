"""Data loads: files an analyst uploaded, and what loading them into the warehouse did."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Organisation


class DataLoad(models.Model):
    """One upload of police.uk or partner files and its background load into the warehouse.

    Created `queued` by the upload page; the worker moves it to `running`, then to `succeeded`
    (something was loaded, or every file had been loaded before), `refused` (every file was
    refused: nothing was written) or `failed` (an unexpected error: the analytics load rolled
    back). Visible to members of the uploader's organisation who may load data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Loaded"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_loads"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="data_loads"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True, help_text="What the worker is doing now")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="Per-file outcomes, totals and notes of the load"
    )
    error = models.TextField(blank=True, help_text="Why a failed load failed")
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"Data load {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """True once the worker has finished with the load, whatever the outcome."""
        return self.status in {self.Status.SUCCEEDED, self.Status.REFUSED, self.Status.FAILED}

    @property
    def file_outcomes(self) -> list[dict[str, Any]]:
        """The report's per-file outcomes (empty until the load has run)."""
        files: list[dict[str, Any]] = self.report.get("files", [])
        return files


class DataLoadFile(models.Model):
    """One file as uploaded: its name, size and SHA-256 (of the bytes as uploaded)."""

    class Kind(models.TextChoices):
        POLICE_UK = "police_uk", "police.uk"
        PARTNER = "partner", "Partner data"

    load = models.ForeignKey(DataLoad, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    stored_as = models.CharField(
        max_length=500,
        blank=True,
        help_text="Path under the private upload folder; cleared when the stored copy is deleted",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class QuarantinedRow(models.Model):
    """A row the load kept out of the warehouse: the file, its line (header = line 1), why."""

    load = models.ForeignKey(DataLoad, on_delete=models.CASCADE, related_name="quarantined_rows")
    file_name = models.CharField(max_length=500)
    line = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    raw = models.TextField(blank=True, help_text="The row's text, shortened if long")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.file_name} line {self.line}: {self.reason}"
