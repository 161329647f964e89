"""In Chromium: complete DASH as High, refer to MARAC, hold the meeting and record actions;
axe-core finds nothing on the DASH form (and its error state), the ASB risk form, the MARAC
meeting page and the referral inbox."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from saferhub.organisations.rules import Role
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD
from tests.risk.factories import case, da_case, person

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".app-organisation-banner")).to_be_visible()


def give_purpose(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Why are you looking")
    page.get_by_label("Managing this case").check()
    page.get_by_role("button", name="Continue").click()


def fill_date(page: Page, field: str, day: int, month: int, year: int) -> None:
    page.locator(f"#id_{field}_0").fill(str(day))
    page.locator(f"#id_{field}_1").fill(str(month))
    page.locator(f"#id_{field}_2").fill(str(year))


def test_dash_high_to_marac_meeting_and_actions(page: Page, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    da, *_ = da_case(worker)
    today = timezone.localdate()

    sign_in(page, worker.user.username)
    page.goto(f"/risk/cases/{da.pk}/")
    give_purpose(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk assessments")
    page.get_by_role("link", name="Complete a DASH checklist").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DASH")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select an answer to question 1: Injury from this incident")
    expect(summary).to_contain_text("Select an answer to question 24")
    assert axe_violations(page) == []
    page.get_by_label("Dana Hollis (victim)").check()
    for number in range(1, 25):
        page.locator(f"#id_q{number:02d}_{0 if number <= 15 else 1}").check()
    page.get_by_label("How many children are in the household?").fill("2")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("High")
    expect(page.locator(".govuk-summary-list")).to_contain_text("15 yes answers")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Refer to MARAC").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refer to MARAC")
    expect(page.get_by_label("Visible high risk")).to_be_checked()
    page.get_by_label("Why are you referring this case?").fill("15 yes answers; strangulation")
    page.locator("#id_victim_disability_1").check()
    page.locator("#id_victim_lgbt_plus_2").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case referred to MARAC")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator.user.username)
    page.get_by_role("link", name="MARAC", exact=True).first.click()
    expect(page.locator("table")).to_contain_text("Dana Hollis")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Plan a meeting").click()
    fill_date(page, "held_on", today.day, today.month, today.year)
    page.get_by_label("Where (optional)").fill("Council offices, room 2")
    page.get_by_role("button", name="Plan meeting").click()
    give_purpose(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("MARAC on")
    page.get_by_label("Referred case").select_option(
        label=page.locator("#id_referral option").nth(1).inner_text()
    )
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("shared with the meeting")
    expect(page.locator("#main-content h3")).to_contain_text("1. Dana Hollis")
    assert axe_violations(page) == []

    page.get_by_text("Add your organisation's research").click()
    page.get_by_label("Your organisation's research").fill("Two previous call-outs")
    page.get_by_role("button", name="Add research").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Two previous call-outs")
    page.get_by_text("Record an action").click()
    page.get_by_label("Agency").select_option(label=worker.organisation.name)
    page.get_by_label("Action", exact=True).fill("Safety plan and target hardening")
    due = today + datetime.timedelta(days=7)
    prefix = page.locator("form[action*='/actions']").get_attribute("action")
    assert prefix is not None
    item_id = prefix.split("/")[-2]
    fill_date(page, f"item{item_id}-due_on", due.day, due.month, due.year)
    page.get_by_role("button", name="Record action").click()
    expect(page.locator("table")).to_contain_text("Safety plan and target hardening")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Write the minutes").click()
    page.get_by_label("Minutes").fill("Risk discussed. Actions agreed.")
    page.get_by_label("The meeting has been held").check()
    page.get_by_role("button", name="Save minutes").click()
    expect(page.locator(".govuk-tag").first).to_have_text("Held")
    expect(page.locator("#main-content")).to_contain_text("Risk discussed. Actions agreed.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, worker.user.username)
    page.get_by_role("link", name="MARAC", exact=True).first.click()
    page.locator("a", has_text=today.strftime("%B %Y")).first.click()
    give_purpose(page)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-tag--green")).to_have_text("Done")


def test_asb_risk_form_and_referral_inbox(page: Page, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    victim = person(worker, "Lee", "Marsh")
    asb = case(worker, case_type="asb", people=[(victim, "victim")])

    sign_in(page, worker.user.username)
    page.goto(f"/risk/cases/{asb.pk}/asb/new")
    give_purpose(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("ASB")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an answer to question 1")
    assert axe_violations(page) == []
    for number in range(1, 13):
        page.locator(f"#id_a{number:02d}_{0 if number in (1, 2, 3, 4, 5, 6, 10) else 1}").check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("High")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Next case review")

    page.goto(f"/referrals/new?person={victim.pk}&case={asb.pk}&service=victim_support")
    page.get_by_label("Which organisation provides it?").select_option(
        label=receiver.organisation.name
    )
    page.get_by_label("What are you asking them to do, and why?").fill("Emotional support")
    page.get_by_label("Yes, the person consented").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral sent")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, receiver.user.username)
    page.get_by_role("link", name="Referrals", exact=True).first.click()
    expect(page.locator("h2").first).to_contain_text("1 awaiting a decision")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Lee Marsh").click()
    give_purpose(page)
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for declining")
    assert axe_violations(page) == []
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Accepted")


def test_data_form_trigger_and_settings_pages(page: Page, make_member: Any) -> None:
    coordinator = make_member(Role.MARAC_COORDINATOR, "own")
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR, "own")
    resident = person(coordinator, "Ira", "Pell")

    sign_in(page, coordinator.user.username)
    page.goto("/marac/data-form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start of the period")
    assert axe_violations(page) == []
    fill_date(page, "start", 1, 4, 2026)
    fill_date(page, "end", 30, 6, 2026)
    page.get_by_label("Adult women in the area (optional)").fill("52000")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Cases discussed")
    assert axe_violations(page) == []

    page.goto(f"/risk/people/{resident.pk}/community-trigger")
    give_purpose(page)
    expect(page.locator(".govuk-inset-text")).to_contain_text("Threshold not met")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, admin.user.username)
    page.get_by_role("link", name="Risk settings", exact=True).first.click()
    page.get_by_label("DASH: High from this many yes answers").fill("9")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be more than the medium")
    assert axe_violations(page) == []
