# ruff: noqa: F811 - the report fixtures are imported from tests/reports/conftest.py
"""Board reports in Chromium: an analyst opens a report, writes commentary and downloads the
PDF; an administrator publishes; the public page needs no sign-in. axe-core finds nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from saferhub.organisations.rules import Role
from saferhub.reports import services
from tests.browser.conftest import axe_violations
from tests.browser.test_accessibility import sign_in
from tests.reports.conftest import alpha, warehouse_path  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_writes_commentary_and_downloads_the_pdf(
    page: Page,
    alpha: Any,
    make_member: Callable[..., Any],
    tmp_path: Path,
) -> None:
    analyst = make_member(Role.ANALYST)
    sign_in(page, analyst.user.username)
    page.goto("/reports/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=alpha.name).click()
    page.get_by_label("Period").fill("2022-Q1")
    page.get_by_role("button", name="Open report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Performance report: January 2022 to March 2022"
    )
    expect(page.locator("main")).to_contain_text("Burglary rose 88% (from 48 to 90)")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Write commentary on Burglary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commentary on Burglary")
    assert axe_violations(page) == []
    page.get_by_label("Commentary").fill("Garage break-ins rose in the northern estates.")
    page.get_by_role("button", name="Save commentary").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Commentary on Burglary saved"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{alpha.slug}-2022-Q1-report.pdf"
    target = tmp_path / "report.pdf"
    download.save_as(target)
    text = "".join(p.extract_text() or "" for p in PdfReader(target).pages)
    assert "Garage break-ins rose in the northern estates." in text
    assert "MARAC referrals" in text  # analysts handle restricted figures


def test_a_stale_commentary_save_is_refused_accessibly(
    page: Page,
    alpha: Any,
    make_member: Callable[..., Any],
) -> None:
    sign_in(page, make_member(Role.ANALYST).user.username)
    page.goto(f"/reports/{alpha.slug}/2022-Q2/commentary/burglary")
    page.get_by_label("Commentary").fill("My words.")
    # Meanwhile another analyst saves first.
    services.commentary_save(
        actor=make_member(Role.ANALYST).user,
        partnership=alpha,
        period="2022-Q2",
        period_type="quarter",
        indicator_id="burglary",
        text="Their words.",
        version=0,
    )
    page.get_by_role("button", name="Save commentary").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Someone else saved this commentary while you were editing it"
    )
    assert axe_violations(page) == []


def test_administrator_publishes_and_the_public_page_is_safe_and_accessible(
    page: Page,
    alpha: Any,
    make_member: Callable[..., Any],
) -> None:
    sign_in(page, make_member(Role.PARTNERSHIP_ADMINISTRATOR).user.username)
    page.goto(f"/reports/{alpha.slug}/2022-Q2/")
    page.get_by_role("link", name="Check and publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the report")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have checked")
    assert axe_violations(page) == []
    page.get_by_label("I have checked the published version").check()
    page.get_by_role("button", name="Publish the report").click()
    expect(page).to_have_url(re.compile(f"/published/{alpha.slug}/2022-Q2/$"))
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"/published/{alpha.slug}/2022-Q2/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Performance report")
    expect(page.locator("main")).to_contain_text("Synthetic demo data")
    assert axe_violations(page) == []
    cells = page.locator(".app-report-count").all_inner_texts()
    assert cells
    for cell in cells:
        value = cell.replace(",", "").strip()
        assert value == "–" or int(value) == 0 or int(value) >= 5, cell
    body = page.locator("body").inner_text()
    assert "MARAC" not in body and "Channel" not in body


def test_board_member_cannot_reach_restricted_figures(
    page: Page,
    alpha: Any,
    make_member: Callable[..., Any],
) -> None:
    sign_in(page, make_member(Role.BOARD_MEMBER).user.username)
    page.goto(f"/reports/{alpha.slug}/2022-Q2/")
    expect(page.locator("main")).not_to_contain_text("MARAC")
    assert axe_violations(page) == []
    response = page.request.get(f"/reports/{alpha.slug}/2022-Q2/report.html")
    assert response.ok and "MARAC" not in response.text()
    response = page.request.get(f"/reports/{alpha.slug}/2022-Q2/commentary/marac_referrals")
    assert response.status == 403
