"""Data load pages through the real middleware: roles, organisations, bad files, the report."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from saferhub.dataloads.models import DataLoad
from saferhub.organisations.rules import Role
from tests.conftest import PASSWORD
from tests.dataloads.conftest import (
    PARTNER_CSV,
    run_worker,
    street_csv,
    upload,
    warehouse_rows,
)

pytestmark = pytest.mark.django_db(transaction=True)

STREET = "2020-01-leicestershire-street.csv"


def error_summary(response: Any) -> list[str]:
    return re.findall(r'<li><a href="#[^"]*">([^<]+)</a></li>', response.content.decode())


def post_files(client: Client, *files: tuple[str, bytes]) -> Any:
    return client.post(
        "/data/upload", {"data_files": [upload(name, content) for name, content in files]}
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.BOARD_MEMBER, 403),
        (Role.CASEWORKER, 403),
        (Role.TEAM_MANAGER, 403),
        (Role.PARTNERSHIP_ADMINISTRATOR, 403),
        (Role.SYSTEM_ADMINISTRATOR, 403),
    ],
)
def test_only_roles_that_may_load_data_reach_the_pages(
    signed_in: Any, role: Role, status: int
) -> None:
    client, _ = signed_in(role)
    for path in ["/data/", "/data/upload"]:
        assert client.get(path).status_code == status, path
    home = client.get("/").content.decode()
    assert ('href="/data/"' in home) is (status == 200)


def test_an_analyst_uploads_sees_progress_then_the_report(signed_in: Any) -> None:
    client, analyst = signed_in(Role.ANALYST)
    page = client.get("/data/upload").content.decode()
    assert 'type="file"' in page and "multiple" in page and 'enctype="multipart/form-data"' in page
    response = post_files(client, (STREET, street_csv(4)), ("helpline.csv", PARTNER_CSV))
    load = DataLoad.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/loads/{load.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Loading 2 files" in page and "Queued" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f'hx-get="/data/loads/{load.pk}/progress"' in page and "<progress" in page
    # The user may stop the page refreshing itself.
    assert "http-equiv" not in client.get(response["Location"] + "?refresh=off").content.decode()
    # htmx polls the panel; a plain request for it goes to the page.
    poll = client.get(f"/data/loads/{load.pk}/progress", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "Waiting for the loader to start" in poll.content.decode()
    assert client.get(f"/data/loads/{load.pk}/progress").status_code == 302
    assert "may not be running" not in page
    DataLoad.objects.filter(pk=load.pk).update(updated_at=load.updated_at - timedelta(minutes=5))
    page = client.get(response["Location"]).content.decode()
    assert "The background loader may not be running" in page
    run_worker()
    poll = client.get(f"/data/loads/{load.pk}/progress", HTTP_HX_REQUEST="true")
    assert poll["HX-Redirect"] == f"/data/loads/{load.pk}/"
    page = client.get(f"/data/loads/{load.pk}/").content.decode()
    assert "Data loaded" in page and "http-equiv" not in page and "hx-get" not in page
    assert "What happened to each file" in page and STREET in page and "helpline.csv" in page
    assert "Rows that could not be loaded" in page and "bad month" in page
    listing = client.get("/data/").content.decode()
    assert f"Data load {load.pk}" in listing and analyst.user.get_full_name() in listing


def test_bad_files_are_reported_by_file_and_line_and_nothing_is_loaded(
    signed_in: Any, settings: Any
) -> None:
    client, _ = signed_in(Role.ANALYST)
    broken = street_csv(3).replace(b"Crime type", b"Crime kind")
    response = post_files(client, (STREET, broken), ("people.csv", b"name,address\nA,B\n"))
    assert response.status_code == 302
    run_worker()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was loaded" in page
    assert STREET in page and "line 1: not a police.uk street file: header lacks Crime type" in page
    assert "people.csv" in page and "file name is not a police.uk monthly file name" in page
    counts = warehouse_rows(Path(settings.WAREHOUSE_PATH))
    assert counts["street_crime"] == 0 and counts["source_file"] == 0


def test_files_that_are_not_data_are_refused_at_upload_naming_each_file(
    signed_in: Any,
) -> None:
    client, _ = signed_in(Role.ANALYST)
    response = post_files(
        client, ("figures.xlsx", b"PK\x03\x04"), ("scan.csv", b"%PDF-1.4"), (STREET, street_csv())
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "figures.xlsx is a spreadsheet: save it as CSV (comma separated values) first",
        "scan.csv is a PDF document, not a CSV file",
    ]
    assert "Error: Upload data files" in response.content.decode()
    assert not DataLoad.objects.exists() and not DBTaskResult.objects.exists()
    response = client.post("/data/upload", {})
    assert error_summary(response) == ["Select one or more files to upload"]


def test_the_size_limit_names_the_file(signed_in: Any, settings: Any) -> None:
    settings.DATALOAD_MAX_FILE_BYTES = 1024 * 1024
    client, _ = signed_in(Role.ANALYST)
    big = street_csv(9000)
    assert len(big) > 1024 * 1024
    response = post_files(client, (STREET, big))
    assert error_summary(response) == [f"{STREET} must be smaller than 1 MB"]


def test_loads_are_shared_within_the_organisation_and_hidden_from_others(
    signed_in: Any, make_member: Any
) -> None:
    client, _ = signed_in(Role.ANALYST)
    post_files(client, (STREET, street_csv()))
    load = DataLoad.objects.get()
    colleague = make_member(Role.ANALYST)
    stranger = make_member(Role.ANALYST, "other")
    for member, status in [(colleague, 200), (stranger, 404)]:
        other = Client()
        other.post("/account/sign-in", {"username": member.user.username, "password": PASSWORD})
        for path in [f"/data/loads/{load.pk}/", f"/data/loads/{load.pk}/progress"]:
            response = other.get(path, HTTP_HX_REQUEST="true")
            assert response.status_code == status, (member, path)
        listing = other.get("/data/").content.decode()
        assert (f"Data load {load.pk}" in listing) is (status == 200)
    assert client.get("/data/loads/999999/").status_code == 404


def test_quarantined_rows_are_paginated(signed_in: Any) -> None:
    client, _ = signed_in(Role.ANALYST)
    bad = {line: f"x{line},2020-01,P,P,1,2,Somewhere" for line in range(2, 122)}
    post_files(client, (STREET, street_csv(130, bad_lines=bad)))
    run_worker()
    load = DataLoad.objects.get()
    page = client.get(f"/data/loads/{load.pk}/").content.decode()
    assert "Rows 1 to 50 of 120" in page and 'aria-label="Page 3"' in page
    assert ">120<" in page  # the file's "not loaded" count
    page3 = client.get(f"/data/loads/{load.pk}/?page=3").content.decode()
    assert (
        "Rows 101 to 120 of 120" in page3
        and '<td class="govuk-table__cell govuk-table__cell--numeric">121</td>' in page3
    )
