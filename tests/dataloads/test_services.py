"""Data load services: an upload is stored, recorded, audited and queued; the real worker
loop runs the task, which loads through the ingest engine and records the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from saferhub.audit.models import AuditEvent
from saferhub.dataloads import loading, services
from saferhub.dataloads.models import DataLoad, QuarantinedRow
from saferhub.organisations.rules import Role
from saferhub.performance import services as performance_services
from saferhub.performance.warehouse import current_inputs, fingerprint, read_only
from tests.dataloads.conftest import (
    PARTNER_CSV,
    gz,
    run_worker,
    street_csv,
    upload,
    warehouse_rows,
    zipped,
)

pytestmark = pytest.mark.django_db(transaction=True)

STREET = "2020-01-leicestershire-street.csv"


def create(member: Any, *files: tuple[str, bytes]) -> DataLoad:
    return services.dataload_create(
        actor=member.user, uploads=[upload(name, content) for name, content in files]
    )


def test_an_upload_is_stored_privately_recorded_audited_and_queued(
    make_member: Any, settings: Any
) -> None:
    analyst = make_member(Role.ANALYST)
    load = create(analyst, (STREET, street_csv()), ("helpline.csv", PARTNER_CSV))
    load.refresh_from_db()
    assert load.status == "queued" and load.organisation == analyst.organisation
    files = list(load.files.all())
    assert [(f.name, f.kind, f.size) for f in files] == [
        (STREET, "police_uk", len(street_csv())),
        ("helpline.csv", "partner", len(PARTNER_CSV)),
    ]
    stored = Path(settings.MEDIA_ROOT) / "private" / "dataloads" / str(load.pk) / STREET
    assert stored.read_bytes() == street_csv()
    assert stored.stat().st_mode & 0o077 == 0
    event = AuditEvent.objects.get(action="data.uploaded")
    assert event.target_id == str(load.pk) and event.actor_id == analyst.user.pk
    assert event.payload["files"] == 2
    assert event.payload["listed"][0]["sha256"] == files[0].sha256
    task = DBTaskResult.objects.get()
    assert task.task_path == "saferhub.dataloads.tasks.run_data_load"
    assert task.args_kwargs["kwargs"] == {"load_id": load.pk}
    assert load.task_id == str(task.id)
    # The request only stores and queues: the warehouse has not been touched.
    assert not Path(settings.WAREHOUSE_PATH).exists()


def test_the_worker_loads_police_uk_and_partner_files_and_reports_every_file(
    make_member: Any, settings: Any
) -> None:
    analyst = make_member(Role.ANALYST)
    bad_row = "id9,2020-01,Leicestershire Police,Leicestershire Police,x,y,Somewhere"
    load = create(
        analyst,
        (STREET, street_csv(rows=5, bad_lines={3: bad_row})),
        (
            "2020-02.zip",
            zipped({"2020-02/2020-02-leicestershire-street.csv": street_csv(2, "2020-02")}),
        ),
        ("helpline.csv.gz", gz(PARTNER_CSV)),
    )
    run_worker()
    load.refresh_from_db()
    assert load.status == "succeeded", load.error
    assert load.started_at and load.finished_at
    outcomes = {o["name"]: o for o in load.file_outcomes}
    assert set(outcomes) == {
        STREET,
        "2020-02.zip!2020-02/2020-02-leicestershire-street.csv",
        "helpline.csv.gz",
    }
    assert outcomes[STREET]["status"] == "loaded"
    assert (outcomes[STREET]["rows_read"], outcomes[STREET]["rows_loaded"]) == (5, 4)
    assert outcomes["helpline.csv.gz"]["rows_loaded"] == 2
    assert outcomes["helpline.csv.gz"]["reasons"] == {"bad month": 1}
    assert load.report["totals"]["rows_loaded"] == 4 + 2 + 2
    assert load.report["totals"]["rows_quarantined"] == 2
    rows = list(QuarantinedRow.objects.filter(load=load).values_list("file_name", "line", "reason"))
    assert (STREET, 3) in [(name, line) for name, line, _ in rows]
    assert ("helpline.csv.gz", 4, "bad month: 2020-13 is not a month (YYYY-MM)") in rows or any(
        name == "helpline.csv.gz" and line == 4 and reason.startswith("bad month")
        for name, line, reason in rows
    )
    counts = warehouse_rows(Path(settings.WAREHOUSE_PATH))
    assert counts["street_crime"] == 6 and counts["partner_record"] == 2
    # The warehouse names files as the analyst did, never by the server's upload path.
    with read_only() as con:
        names = {i["name"] for i in current_inputs(con)}
    assert names == set(outcomes)
    event = AuditEvent.objects.get(action="data.loaded")
    assert event.outcome == "succeeded" and event.actor_id == analyst.user.pk
    assert event.payload["status"] == "succeeded" and event.payload["rows_loaded"] == 8
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The stored copies are removed once loaded; the record keeps names, sizes and checksums.
    assert not (Path(settings.MEDIA_ROOT) / "private" / "dataloads" / str(load.pk)).exists()
    assert all(f.stored_as == "" and len(f.sha256) == 64 for f in load.files.all())


def test_loading_the_same_file_again_is_skipped_and_a_newer_download_replaces(
    make_member: Any,
) -> None:
    analyst = make_member(Role.ANALYST)
    create(analyst, (STREET, street_csv(3)))
    run_worker()
    again = create(analyst, (STREET, street_csv(3)))
    newer = create(analyst, (STREET, street_csv(4)))
    run_worker()
    again.refresh_from_db()
    newer.refresh_from_db()
    assert again.status == "succeeded"
    assert again.file_outcomes[0]["status"] == "skipped"
    assert "already loaded" in again.file_outcomes[0]["message"]
    assert newer.file_outcomes[0]["status"] == "replaced"


def test_bad_files_are_refused_by_file_and_line_and_nothing_is_loaded(
    make_member: Any, settings: Any
) -> None:
    analyst = make_member(Role.ANALYST)
    create(analyst, (STREET, street_csv(3)))
    run_worker()
    with read_only() as con:
        before = fingerprint(current_inputs(con))
    counts_before = warehouse_rows(Path(settings.WAREHOUSE_PATH))
    load = create(
        analyst,
        ("notes.csv", b"name,comment\nAnn,hello\n"),
        ("2020-03-leicestershire-street.csv", b"Month,Crime type\n2020-03,Burglary\n"),
        ("helpline.csv", b"dataset,month,area_code,cuont\nhate-incidents,2020-01,E22000368,3\n"),
        ("2020-04.zip", zipped({"readme.csv": b"a,b\n"})),
    )
    run_worker()
    load.refresh_from_db()
    assert load.status == "refused"
    reasons = {o["name"]: o["message"] for o in load.file_outcomes}
    assert all(o["status"] == "refused" for o in load.file_outcomes)
    assert reasons["notes.csv"].startswith("file name is not a police.uk monthly file name")
    assert reasons["2020-03-leicestershire-street.csv"].startswith(
        "line 1: not a police.uk street file: header lacks Crime ID"
    )
    assert reasons["helpline.csv"] == "line 1: unknown column(s) cuont"
    assert reasons["2020-04.zip"].startswith("the archive holds no police.uk files")
    assert warehouse_rows(Path(settings.WAREHOUSE_PATH)) == counts_before
    with read_only() as con:
        assert fingerprint(current_inputs(con)) == before  # stored scorecard runs stay valid
    event = AuditEvent.objects.get(action="data.loaded", target_id=str(load.pk))
    assert event.outcome == "refused" and event.payload["refused"] == 4


def test_only_members_who_may_load_data_can_upload(make_member: Any) -> None:
    board = make_member(Role.BOARD_MEMBER)
    with pytest.raises(PermissionDenied):
        create(board, (STREET, street_csv()))
    assert not DataLoad.objects.exists()


def test_an_unacceptable_file_records_nothing(make_member: Any, settings: Any) -> None:
    analyst = make_member(Role.ANALYST)
    with pytest.raises(ValidationError) as error:
        create(analyst, (STREET, street_csv()), ("scan.csv", b"%PDF-1.4 ..."))
    assert error.value.messages == ["scan.csv is a PDF document, not a CSV file"]
    assert not DataLoad.objects.exists() and not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action="data.uploaded").exists()
    assert not list((Path(settings.MEDIA_ROOT)).glob("private/dataloads/*"))


def test_an_unexpected_error_fails_the_load_and_the_task(
    make_member: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    analyst = make_member(Role.ANALYST)
    load = create(analyst, (STREET, street_csv()))

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "load_police_uk_files", explode)
    run_worker()
    load.refresh_from_db()
    assert load.status == "failed" and load.error == "RuntimeError: disk full"
    assert DBTaskResult.objects.get().status == "FAILED"
    event = AuditEvent.objects.get(action="data.loaded")
    assert event.outcome == "refused" and event.payload == {
        "status": "failed",
        "error": "RuntimeError",
    }
    # The upload is kept for diagnosis.
    assert (Path(settings.MEDIA_ROOT) / "private" / "dataloads" / str(load.pk) / STREET).exists()


def test_a_load_runs_once(make_member: Any) -> None:
    analyst = make_member(Role.ANALYST)
    load = create(analyst, (STREET, street_csv()))
    run_worker()
    assert services.dataload_run(load_id=load.pk) == "succeeded"
    assert AuditEvent.objects.filter(action="data.loaded").count() == 1


def test_stored_scorecard_runs_are_refreshed_after_new_data(
    make_member: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        performance_services,
        "scorecard_runs_refresh",
        lambda: calls.append("refresh"),
    )
    analyst = make_member(Role.ANALYST)
    create(analyst, (STREET, street_csv()))
    run_worker()
    assert calls == ["refresh"]
    create(analyst, (STREET, street_csv()))  # the same bytes: skipped, nothing changed
    run_worker()
    assert calls == ["refresh"]


def test_progress_is_recorded_while_the_load_runs(
    make_member: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = make_member(Role.ANALYST)
    load = create(
        analyst,
        (STREET, street_csv()),
        ("2020-02-leicestershire-street.csv", street_csv(month="2020-02")),
    )
    seen: list[tuple[str, str, int, int]] = []
    real = loading.load_police_uk_files

    def watching(*args: Any, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def spy(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            row = DataLoad.objects.get(pk=load.pk)
            seen.append((row.status, row.stage, row.progress_done, row.progress_total))

        kwargs["progress"] = spy
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "load_police_uk_files", watching)
    run_worker()
    assert ("running", "Loading police.uk rows into the warehouse", 2, 2) in seen
    assert all(status == "running" for status, *_ in seen)
