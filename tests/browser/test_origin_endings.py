"""In Chromium: a coordinator takes a case off a MARAC agenda and a caseworker withdraws a
referral, each through its confirmation page (with its error state); axe-core finds nothing
on either page, and the other agency then gets a 404 on the case."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from saferhub.marac import services as marac_services
from saferhub.organisations.rules import Role
from saferhub.referrals import services as referral_services
from tests.browser.conftest import axe_violations
from tests.browser.test_marac_journey import give_purpose, sign_in
from tests.risk.factories import da_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_take_a_case_off_the_agenda(page: Page, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    police = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    referral = marac_services.referral_create(
        actor=worker.user,
        case=da,
        victim=victim,
        partnership=da.owner_organisation.partnerships.get(),
        criterion="visible_high_risk",
        reasons="High risk",
    )
    meeting = marac_services.meeting_create(
        actor=coordinator.user,
        partnership=referral.partnership,
        held_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    marac_services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)

    sign_in(page, coordinator.user.username)
    page.goto(f"/marac/meetings/{meeting.pk}/")
    give_purpose(page)
    page.get_by_role("link", name="Take off the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("off the agenda")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Take off the agenda").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are taking this case off the agenda"
    )
    assert axe_violations(page) == []
    page.get_by_label("Why you are taking this case off the agenda").fill("Wrong MARAC")
    page.get_by_role("button", name="Take off the agenda").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("taken off the agenda")
    expect(page.locator("main")).to_contain_text("No cases on the agenda yet")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, police.user.username)
    response = page.goto(f"/cases/{da.pk}/")
    assert response is not None and response.status == 404


def test_withdraw_a_referral(page: Page, make_member: Any, organisations: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    referral = referral_services.referral_send(
        actor=worker.user,
        person=victim,
        case=da,
        to_organisation=organisations["other"],
        service="victim_support",
        details="Support please",
        consent="given",
    )

    sign_in(page, worker.user.username)
    page.goto(f"/referrals/{referral.pk}/")
    give_purpose(page)
    page.get_by_role("link", name="Withdraw this referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the referral")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Withdraw referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are withdrawing the referral"
    )
    assert axe_violations(page) == []
    page.get_by_label("Why you are withdrawing the referral").fill("Sent in error")
    page.get_by_role("button", name="Withdraw referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral withdrawn")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Withdrawn")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, receiver.user.username)
    for url in (f"/cases/{da.pk}/", f"/people/{victim.pk}/", f"/referrals/{referral.pk}/"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
