"""An analyst uploads files through the page in Chromium, sees the load queued with its
progress, then the report; axe-core finds no violations; without JavaScript the page
refreshes itself and the journey completes the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from saferhub.organisations.rules import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_accessibility import sign_in
from tests.dataloads.conftest import PARTNER_CSV, run_worker, street_csv

pytestmark = pytest.mark.django_db(transaction=True)

STREET = "2020-01-leicestershire-street.csv"
BAD_ROW = "x1,2020-01,P,P,1,2,Somewhere"


@pytest.fixture(autouse=True)
def private_dirs(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    street = tmp_path / STREET
    street.write_bytes(street_csv(rows=6, bad_lines={4: BAD_ROW}))
    partner = tmp_path / "helpline.csv"
    partner.write_bytes(PARTNER_CSV)
    return [street, partner]


def upload_and_watch(page: Page, files: list[Path], *, check_axe: bool) -> None:
    """Upload through the page, see it queued with a progress bar, run the worker, see the
    report (the page updates itself)."""
    page.get_by_role("link", name="Load data", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data loads")
    if check_axe:
        assert axe_violations(page) == []
    page.get_by_role("link", name="Upload data files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload data files")
    if check_axe:
        assert axe_violations(page) == []
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Upload and load files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loading 2 files")
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the loader to start")
    if check_axe:
        assert axe_violations(page) == []
    run_worker()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data loaded", timeout=20_000)
    report = page.locator("#file-report")
    expect(report).to_contain_text(STREET)
    expect(report).to_contain_text("helpline.csv")
    rows = page.locator("#quarantined-rows + p + table, #quarantined-rows ~ table").first
    expect(rows).to_contain_text(BAD_ROW)
    expect(rows).to_contain_text("bad month")


def test_an_analyst_uploads_files_and_sees_progress_then_the_report(
    page: Page, make_member: Any, files: list[Path]
) -> None:
    analyst = make_member(Role.ANALYST)
    sign_in(page, analyst.user.username)
    upload_and_watch(page, files, check_axe=True)
    assert axe_violations(page) == []


def test_a_file_that_is_not_data_is_refused_with_a_gov_uk_error(
    page: Page, make_member: Any, tmp_path: Path
) -> None:
    analyst = make_member(Role.ANALYST)
    scan = tmp_path / "scan.csv"
    scan.write_bytes(b"%PDF-1.4\n")
    sign_in(page, analyst.user.username)
    page.goto("/data/upload")
    page.locator("input[type=file]").set_input_files([str(scan)])
    page.get_by_role("button", name="Upload and load files").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "scan.csv is a PDF document, not a CSV file"
    )
    expect(page).to_have_title("Error: Upload data files – SaferHub")
    assert axe_violations(page) == []


def test_the_journey_works_without_javascript(
    browser: Browser, live_server: Any, make_member: Any, files: list[Path]
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    analyst = make_member(Role.ANALYST)
    sign_in(page, analyst.user.username)
    upload_and_watch(page, files, check_axe=False)
    context.close()
