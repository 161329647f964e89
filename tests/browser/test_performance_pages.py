"""The performance pages in Chromium: an analyst opens the dashboard and an indicator; axe-core
finds no violations on the dashboard, indicator, area and data status pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from saferhub.organisations.rules import Role
from saferhub.performance.demo_warehouse import build_demo_warehouse
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-demo")
    build_demo_warehouse(folder / "warehouse.duckdb", folder / "files")
    return folder / "warehouse.duckdb"


def test_analyst_reads_the_dashboard_and_an_indicator(
    page: Page, make_member: Any, partnership: Any, settings: Any, demo_warehouse: Path
) -> None:
    settings.WAREHOUSE_PATH = demo_warehouse
    partnership.code = "E22900002"
    partnership.is_synthetic = True
    partnership.save()
    analyst = make_member(Role.ANALYST)
    page.set_default_timeout(90_000)  # the dashboard's first visit computes its run
    page.goto("/account/sign-in")
    page.get_by_label("Username").fill(analyst.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Performance", exact=True).first.click()
    page.get_by_role("link", name=partnership.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(partnership.name)
    expect(page.locator(".app-synthetic")).to_contain_text("Synthetic data")
    expect(page.locator("table.app-scorecard").first).to_contain_text("All crime")
    assert axe_violations(page) == []

    page.get_by_label("Period").select_option(label="12 months to September 2025")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("main")).to_contain_text("October 2024 to September 2025")

    page.get_by_role("link", name="Burglary").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Burglary")
    expect(page.locator("svg.app-chart--series")).to_be_visible()
    expect(page.locator(".app-definition")).to_contain_text("Burglaries of homes")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Back to the").click()
    page.get_by_role("link", name="Area details and notes for Carrow", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carrow")
    assert axe_violations(page) == []

    page.goto("/performance/data-status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data status")
    expect(page.locator("main")).to_contain_text("lindenshire")
    assert axe_violations(page) == []
