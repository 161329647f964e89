"""axe-core finds no violations on the sharing, governance and casework figures pages, in
their normal and error states; the share journey works without JavaScript."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from saferhub.cases.models import Case
from saferhub.incidents.models import Incident
from saferhub.organisations.rules import Role
from saferhub.people.models import Person
from tests.browser.conftest import axe_violations
from tests.browser.test_accessibility import sign_in
from tests.sharing import records

pytestmark = pytest.mark.django_db(transaction=True)

OLD = timezone.now() - datetime.timedelta(days=365 * 7 + 2)


def test_sharing_pages(page: Page, make_member: Any) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    person = records.person(manager, "Jo", "Marsh")
    case = records.case(manager, people=[(person, "victim")])
    sign_in(page, manager.user.username)
    page.goto(f"/sharing/case/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noise nuisance")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Share this case").click()
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the organisation")
    assert axe_violations(page) == []
    page.get_by_label("Organisation to share with").select_option(label="Testshire Police")
    page.get_by_label("Crime and Disorder Act 1998, section 115").check()
    page.get_by_label("Why you are sharing it").fill("Joint ASB case")
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Shared with Testshire Police, with 1 linked record"
    )
    assert axe_violations(page) == []
    page.get_by_role("link", name="Stop sharing").click()
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are ending")
    assert axe_violations(page) == []
    page.get_by_label("Why you are ending the share").fill("Case closed")
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Stopped sharing")
    page.goto("/sharing/?direction=granted")
    assert axe_violations(page) == []


def test_governance_pages(page: Page, make_member: Any) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    person = records.person(worker, "Owen", "Gradwell")
    incident = records.incident(worker, people=[(person, "subject")], occurred_at=OLD)
    records.case(
        worker,
        people=[(person, "perpetrator")],
        incidents=[incident],
        opened_at=OLD,
        status="closed",
        closed_at=OLD + datetime.timedelta(days=9),
    )
    Person.objects.filter(pk=person.pk).update(updated_at=OLD, created_at=OLD)
    Incident.objects.filter(pk=incident.pk).update(created_at=OLD)
    sign_in(page, manager.user.username)
    page.get_by_role("link", name="Governance", exact=True).first.click()
    assert axe_violations(page) == []
    page.get_by_label("Person record number").fill("abc")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a number")
    assert axe_violations(page) == []
    page.get_by_label("Person record number").fill(str(person.pk))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Export").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are exporting")
    assert axe_violations(page) == []
    page.get_by_label("Why you are exporting this record").fill("SAR-0001")
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access export")
    expect(page.locator("main")).to_contain_text("Owen")
    assert axe_violations(page) == []
    page.goto(f"/purpose/?scope=person:{person.pk}&next=/governance/people/{person.pk}/viewers")
    page.get_by_label("Supervision").check()
    page.get_by_role("button").filter(has_text="Continue").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who has viewed")
    expect(page.locator("table")).to_contain_text("person.subject_access_exported")
    assert axe_violations(page) == []
    page.goto("/governance/retention")
    expect(page.locator("main")).to_contain_text("Owen Gradwell")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Erase Owen Gradwell").click()
    page.get_by_role("button", name="Erase this record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are erasing")
    assert axe_violations(page) == []
    assert Case.objects.count() == 1


def test_casework_figures_page(page: Page, make_member: Any) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    records.case(manager)
    sign_in(page, manager.user.username)
    page.get_by_role("link", name="Casework figures", exact=True).first.click()
    expect(page.locator("table").first).to_contain_text("Total")
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Month").check()
    page.get_by_role("button", name="Show figures").click()
    assert axe_violations(page) == []
    page.locator("#id_date_to_0").fill("31")
    page.locator("#id_date_to_1").fill("2")
    page.locator("#id_date_to_2").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    assert axe_violations(page) == []
