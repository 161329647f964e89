"""axe-core finds no violations on the foundation's pages, signed in through the real form."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from saferhub.organisations.rules import Role
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_page_and_its_error_state(page: Page) -> None:
    page.goto("/account/sign-in")
    expect(page).to_have_title("Sign in – SaferHub")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your username")
    expect(page).to_have_title("Error: Sign in – SaferHub")
    assert axe_violations(page) == []


def test_administrator_pages(page: Page, make_member: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    make_member(Role.CASEWORKER)
    sign_in(page, admin.user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("SaferHub")
    expect(page.locator(".app-organisation-banner")).to_contain_text(admin.organisation.name)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Members", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members of")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add a member").click()
    page.get_by_role("button", name="Add member").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their first name")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Audit", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.locator("table")).to_contain_text("member.list_viewed")
    assert axe_violations(page) == []


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_in_and_signs_out(page: Page, make_member: Any, role: Role) -> None:
    member = make_member(role)
    sign_in(page, member.user.username)
    expect(page.locator(".app-organisation-banner")).to_contain_text(role.label)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")


def test_pages_work_without_javascript(browser: Any, live_server: Any, make_member: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    sign_in(page, admin.user.username)
    page.goto("/members/add")
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Webb")
    page.get_by_label("Work email address").fill("nora@example.test")
    page.get_by_label("Username").fill("nora.webb")
    page.get_by_label("Analyst").check()
    page.get_by_role("button", name="Add member").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Nora Webb has been added")
    context.close()
