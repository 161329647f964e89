"""Every change to data loads: accepting an upload (stored, recorded, audited, queued) and
running it (by the background worker only), each writing its audit event."""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from saferhub.audit.rules import Operation, Outcome
from saferhub.audit.services import Actor, audit_record
from saferhub.dataloads import rules
from saferhub.dataloads.loading import StoredFile, load_stored_files
from saferhub.dataloads.models import DataLoad, DataLoadFile, QuarantinedRow
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.performance import services as performance_services
from saferhub.performance.case_figures import case_figures_export

logger = logging.getLogger(__name__)

AUDIT_FILES_LISTED = 15
"""Files named (with their SHA-256) in an audit event; the load's record lists them all."""


def upload_root() -> Path:
    """Where uploads are kept: a private folder under MEDIA_ROOT, never served by the web
    server (only the worker reads it)."""
    return Path(settings.MEDIA_ROOT) / "private" / "dataloads"


def load_folder(load: DataLoad) -> Path:
    """The folder holding one load's uploaded files."""
    return upload_root() / str(load.pk)


def _store(upload: UploadedFile, target: Path) -> tuple[int, str]:
    """Write the upload to ``target``; its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    target.chmod(0o600)
    return size, digest.hexdigest()


@transaction.atomic
def dataload_create(*, actor: Actor, uploads: Sequence[UploadedFile]) -> DataLoad:
    """Accept an analyst's files: check each by its bytes and size, store it in the private
    upload folder, record the load (queued) and its files, audit `data.uploaded`, and queue
    the background load once the transaction commits. The request does no loading itself.

    Raises PermissionDenied without the load data capability, ValidationError (messages
    naming the file) if a file is not acceptable; nothing is recorded then.
    """
    membership = require_capability(actor, Capability.LOAD_DATA)
    problems = upload_problems(uploads)
    if problems:
        raise ValidationError(problems)
    load = DataLoad.objects.create(
        uploaded_by=membership.user, organisation=membership.organisation
    )
    folder = load_folder(load)
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    try:
        records = []
        for upload in uploads:
            name = str(upload.name)
            check = rules.check_upload(
                name, int(upload.size or 0), upload, max_bytes=settings.DATALOAD_MAX_FILE_BYTES
            )
            assert check.kind is not None  # noqa: S101 - upload_problems refused the others
            stored = folder / rules.safe_file_name(name)
            size, sha256 = _store(upload, stored)
            records.append(
                DataLoadFile(
                    load=load,
                    name=name[:255],
                    size=size,
                    sha256=sha256,
                    kind=check.kind,
                    stored_as=str(stored.relative_to(upload_root())),
                )
            )
        DataLoadFile.objects.bulk_create(records)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    audit_record(
        actor=actor,
        action="data.uploaded",
        operation=Operation.COLLECTION,
        target_type="data_load",
        target_id=load.pk,
        record_owner_organisation_id=membership.organisation_id,
        payload={
            "files": len(records),
            "bytes": sum(r.size for r in records),
            "listed": [
                {"name": r.name[:100], "size": r.size, "sha256": r.sha256}
                for r in records[:AUDIT_FILES_LISTED]
            ],
        },
    )
    transaction.on_commit(lambda: _enqueue(load.pk))
    return load


def upload_problems(uploads: Sequence[UploadedFile]) -> list[str]:
    """GOV.UK error messages for the files that cannot be accepted, each naming its file."""
    if not uploads:
        return ["Select one or more files to upload"]
    if len(uploads) > settings.DATALOAD_MAX_FILES:
        return [f"Select {settings.DATALOAD_MAX_FILES} files or fewer in one upload"]
    problems = [
        f"You selected {name} more than once: select each file once"
        for name in rules.duplicate_names(str(u.name) for u in uploads)
    ]
    for upload in uploads:
        check = rules.check_upload(
            str(upload.name),
            int(upload.size or 0),
            upload,
            max_bytes=settings.DATALOAD_MAX_FILE_BYTES,
        )
        if check.problem:
            problems.append(check.problem)
    return problems


def _enqueue(load_id: int) -> None:
    from saferhub.dataloads.tasks import run_data_load

    result = run_data_load.enqueue(load_id=load_id)
    DataLoad.objects.filter(pk=load_id, task_id="").update(task_id=str(result.id)[:64])


def _progress_writer(load_id: int) -> Callable[[str, int, int], None]:
    """A progress callback that records the stage on the load at most twice a second (and
    always when the stage changes or completes), outside any transaction."""
    last: dict[str, Any] = {"stage": None, "at": 0.0}

    def write(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["at"] < 0.5:
            return
        last.update(stage=stage, at=now)
        DataLoad.objects.filter(pk=load_id).update(
            stage=stage[:200], progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    return write


def dataload_run(*, load_id: int) -> str:
    """Run a queued load (the background worker's task): load its files into the warehouse,
    record the report and quarantined rows, audit `data.loaded`, then refresh stored
    scorecard runs. Returns the final status. A load that is not queued (already run, or
    being run by another worker) is left alone.

    Only this function writes the warehouse. On an unexpected error the analytics load has
    rolled back; the load is marked failed (its files are kept for diagnosis) and the
    error is raised again so the task is recorded as failed too.
    """
    claimed = DataLoad.objects.filter(pk=load_id, status=DataLoad.Status.QUEUED).update(
        status=DataLoad.Status.RUNNING,
        started_at=timezone.now(),
        stage="Starting",
        updated_at=timezone.now(),
    )
    if not claimed:
        return DataLoad.objects.filter(pk=load_id).values_list("status", flat=True).first() or ""
    load = DataLoad.objects.select_related("uploaded_by", "organisation").get(pk=load_id)
    stored = [
        StoredFile(name=f.name, path=upload_root() / f.stored_as, kind=f.kind)
        for f in load.files.all()
    ]
    try:
        result = load_stored_files(
            stored, Path(settings.WAREHOUSE_PATH), progress=_progress_writer(load_id)
        )
    except Exception as error:
        _record_failure(load, error)
        raise
    status = rules.final_status(o["status"] for o in result.report["files"])
    _record_result(load, status, result.report, result.quarantined)
    shutil.rmtree(load_folder(load), ignore_errors=True)
    DataLoadFile.objects.filter(load=load).update(stored_as="")
    if result.changed:
        refresh_scorecard_runs()
    return status


@transaction.atomic
def _record_result(
    load: DataLoad,
    status: str,
    report: dict[str, Any],
    quarantined: list[tuple[str, int | None, str, str]],
) -> None:
    """Store the finished load's report and quarantined rows, and audit `data.loaded`."""
    load.status = status
    load.report = report
    load.stage = ""
    load.finished_at = timezone.now()
    load.save(update_fields=["status", "report", "stage", "finished_at", "updated_at"])
    QuarantinedRow.objects.bulk_create(
        (
            QuarantinedRow(load=load, file_name=name[:500], line=line, reason=reason[:500], raw=raw)
            for name, line, reason, raw in quarantined
        ),
        batch_size=1000,
    )
    totals = report["totals"]
    audit_record(
        actor=load.uploaded_by,
        action="data.loaded",
        operation=Operation.ALTERATION,
        outcome=Outcome.SUCCEEDED if status == "succeeded" else Outcome.REFUSED,
        target_type="data_load",
        target_id=load.pk,
        record_owner_organisation_id=load.organisation_id,
        payload={"status": status, **{k: int(v) for k, v in totals.items()}},
    )


@transaction.atomic
def _record_failure(load: DataLoad, error: Exception) -> None:
    """Mark the load failed with a short reason, and audit it."""
    load.status = DataLoad.Status.FAILED
    load.error = f"{type(error).__name__}: {error}"[:2000]
    load.stage = ""
    load.finished_at = timezone.now()
    load.save(update_fields=["status", "error", "stage", "finished_at", "updated_at"])
    audit_record(
        actor=load.uploaded_by,
        action="data.loaded",
        operation=Operation.ALTERATION,
        outcome=Outcome.REFUSED,
        target_type="data_load",
        target_id=load.pk,
        record_owner_organisation_id=load.organisation_id,
        payload={"status": "failed", "error": type(error).__name__},
    )


def refresh_scorecard_runs() -> None:
    """Bring the performance app's stored scorecard runs up to date after new data
    (`performance.services.scorecard_runs_refresh`), so the next dashboard is fast. A failure
    here never fails the load: the data is loaded, and stored runs are keyed by the
    warehouse fingerprint, so a page recomputes a stale run when it next asks.

    The case system's figures are exported into the warehouse first (this worker is the
    warehouse's only writer), so the case indicators are as fresh as the latest load."""
    try:
        case_figures_export(None)
    except Exception:
        logger.exception("exporting the case figures into the warehouse failed")
    try:
        performance_services.scorecard_runs_refresh()
    except Exception:
        logger.exception("refreshing stored scorecard runs after a data load failed")
