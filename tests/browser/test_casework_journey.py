"""Case work in Chromium: record an incident with a known person (the check offers the
existing person; link rather than duplicate), open a domestic abuse case; axe-core finds
nothing on my cases, search, person, case and incident entry pages."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from saferhub.cases.models import Case
from saferhub.incidents.models import Incident
from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from saferhub.people.models import Person
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def give_purpose(page: Page, purpose: str = "Managing this case") -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Why are you looking at this")
    page.get_by_label(purpose).check()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("javascript", [True, False])
def test_record_incident_with_known_person_then_open_da_case(
    browser: Any, live_server: Any, make_member: Any, javascript: bool
) -> None:
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, java_script_enabled=javascript
    )
    page = context.new_page()
    worker = make_member(Role.CASEWORKER)
    existing = people_services.person_create(
        actor=worker.user,
        given_name="William",
        family_name="Smith",
        date_of_birth=datetime.date(1980, 4, 3),
    )
    sign_in(page, worker.user.username)

    page.get_by_role("link", name="Cases", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases and tasks")
    if javascript:
        assert axe_violations(page) == []

    page.get_by_role("link", name="Record an incident").click()
    if javascript:
        assert axe_violations(page) == []
    today = timezone.localdate()
    page.locator("#id_occurred_on_0").fill(str(today.day))
    page.locator("#id_occurred_on_1").fill(str(today.month))
    page.locator("#id_occurred_on_2").fill(str(today.year))
    page.get_by_label("Category").select_option("domestic_abuse")
    page.get_by_label("Person's first name").fill("Bill")
    page.get_by_label("Person's family name").fill("Smtih")
    page.locator("#id_date_of_birth_0").fill("4")
    page.locator("#id_date_of_birth_1").fill("3")
    page.locator("#id_date_of_birth_2").fill("1980")
    page.get_by_label("Victim").check()
    page.get_by_role("button", name="Check for existing people").click()
    panel = page.locator("#known-people")
    expect(panel).to_contain_text("William Smith")
    expect(panel).to_contain_text("Bill may be short for William")
    if javascript:
        assert axe_violations(page) == []
    panel.get_by_label("William Smith", exact=False).check()
    page.get_by_role("button", name="Save incident").click()
    give_purpose(page, "Recording a new incident")
    expect(page.get_by_role("heading", level=1)).to_have_text("Domestic abuse incident")
    assert Person.objects.count() == 1
    assert Incident.objects.get().involvements.get().person_id == existing.pk

    page.get_by_role("link", name="William Smith").click()
    give_purpose(page, "Safeguarding concern")
    expect(page.get_by_role("heading", level=1)).to_have_text("William Smith")
    if javascript:
        assert axe_violations(page) == []
    page.get_by_role("link", name="Open a case about William Smith").click()
    page.get_by_label("Domestic abuse").check()
    page.get_by_label("Title").fill("Domestic abuse: William Smith")
    page.get_by_label("Role of the person in the case").fill("victim")
    page.get_by_role("button", name="Open case").click()
    give_purpose(page)
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    if javascript:
        assert axe_violations(page) == []
    page.get_by_role("link", name="Notes", exact=True).click()
    page.get_by_label("Note").fill("Spoke to the victim by phone; safe to call before 5pm.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".app-timeline")).to_contain_text("safe to call before 5pm")

    page.goto("/search/?q=Smith&kind=people")
    expect(page.locator("main")).to_contain_text("William Smith")
    if javascript:
        assert axe_violations(page) == []
    context.close()
