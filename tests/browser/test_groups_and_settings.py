"""In Chromium, without JavaScript tricks: a caseworker creates a group, adds members through
the person search, takes one out and renames the group; an administrator changes the
partnership's flag and DASH thresholds. axe-core finds nothing on any of these pages, in
their normal and error states."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from saferhub.cases.models import PartnershipFlagRules
from saferhub.organisations.rules import Role
from saferhub.people.models import PersonGroup
from tests.browser.conftest import axe_violations
from tests.browser.test_accessibility import sign_in
from tests.cases import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def give_purpose(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Why are you looking")
    page.get_by_label("Managing this case").check()
    page.get_by_role("button", name="Continue").click()


def test_group_pages(page: Page, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    f.person(worker, "Tyler", "Brennan")
    f.person(worker, "Casey", "Brennan")
    f.person(police, "Robin", "Brennan")  # another organisation's: never offered
    sign_in(page, worker.user.username)
    page.goto("/search/")
    page.get_by_role("link", name="See all groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Create a group").click()
    page.get_by_role("button", name="Create group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the group")
    assert axe_violations(page) == []
    page.get_by_label("Name of the group").fill("Riverside Park youths")
    page.get_by_label("Description (optional)").fill("Evenings by the bandstand")
    page.get_by_role("button", name="Create group").click()
    give_purpose(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Park youths")
    expect(page.locator("main")).to_contain_text("No members you can see")
    assert axe_violations(page) == []

    page.get_by_label("Search for a person").fill("Brennan")
    page.get_by_role("button", name="Search").click()
    results = page.locator("table").filter(has_text="People you can see")
    expect(results).to_contain_text("Tyler Brennan")
    expect(results).not_to_contain_text("Robin Brennan")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add Tyler Brennan to the group").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Tyler Brennan has been added to the group"
    )
    page.get_by_label("Search for a person").fill("Brennan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Casey Brennan to the group").click()
    members = page.locator("table").filter(has_text="Take out")
    expect(members).to_contain_text("Tyler Brennan")
    expect(members).to_contain_text("Casey Brennan")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Take out Casey Brennan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Casey Brennan has been taken out of the group"
    )

    page.get_by_role("link", name="Change name and description").click()
    page.get_by_label("Name of the group").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the group")
    assert axe_violations(page) == []
    page.get_by_label("Name of the group").fill("Riverside group")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside group")
    group = PersonGroup.objects.get()
    assert group.name == "Riverside group" and group.version == 2
    assert [p.full_name for p in group.members.all()] == ["Tyler Brennan"]

    # from the person's page
    page.get_by_role("link", name="Tyler Brennan").click()
    give_purpose(page)
    expect(page.locator("main")).to_contain_text("Riverside group")
    page.get_by_role("link", name="Add to a group").click()
    expect(page.locator("main")).to_contain_text("There are no groups you can change")
    assert axe_violations(page) == []


def test_settings_page(page: Page, make_member: Any, partnership: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    sign_in(page, admin.user.username)
    page.get_by_role("link", name="Risk settings", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk settings")
    assert axe_violations(page) == []
    victim = page.get_by_role("group", name="Repeat victim")
    victim.get_by_label("Number of ASB incidents").fill("1")
    page.get_by_role("group", name="MARAC referral").get_by_label("Months").fill("")
    page.get_by_label("DASH: High from this many yes answers").fill("25")
    page.get_by_role("button", name="Save settings").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "The number of ASB incidents for a repeat victim must be between 2 and 50"
    )
    expect(summary).to_contain_text("Enter the months to look back for a MARAC referral")
    expect(summary).to_contain_text("DASH: High must start at 24 or less")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="The number of ASB incidents").click()
    expect(victim.get_by_label("Number of ASB incidents")).to_be_focused()
    victim.get_by_label("Number of ASB incidents").fill("4")
    page.get_by_role("group", name="MARAC referral").get_by_label("Months").fill("6")
    page.get_by_label("DASH: High from this many yes answers").fill("15")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Risk settings saved")
    expect(page.locator("main")).to_contain_text("Medium 10 to 14, High 15 or more")
    assert axe_violations(page) == []
    rules = PartnershipFlagRules.objects.get(partnership=partnership)
    assert (rules.repeat_victim_count, rules.marac_months) == (4, 6)
