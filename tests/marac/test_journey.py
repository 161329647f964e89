"""The DASH -> MARAC -> meeting -> actions journey through the pages (Django test client),
and the referral inbox: state changes, audit and the shares the agenda creates."""

from typing import Any

import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.access import cases_visible_to
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.marac.models import MaracAction, MaracMeeting, MaracReferral, ResearchNote
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.referrals.models import Referral
from saferhub.risk.models import Assessment
from saferhub.sharing.models import RecordShare
from tests.conftest import PASSWORD
from tests.risk.factories import da_case, dash_answers

pytestmark = pytest.mark.django_db


def sign_in(client: Any, membership: Any) -> Any:
    client.logout()
    response = client.post(
        "/account/sign-in", {"username": membership.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def give_purpose(client: Any, *scopes: str) -> None:
    session = client.session
    for scope in scopes:
        remember_purpose(session, scope, "Managing this case")
    session.save()


def date_fields(name: str, day: Any) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_dash_high_to_marac_meeting_and_actions(client: Any, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    police_worker = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    today = timezone.localdate()

    sign_in(client, worker)
    # purpose first
    response = client.get(f"/risk/cases/{da.pk}/dash/new")
    assert response.status_code == 302 and "/purpose/" in response["Location"]
    give_purpose(client, purpose_scope("case", da.pk))
    response = client.get(f"/risk/cases/{da.pk}/dash/new")
    assert response.status_code == 200
    assert b"Strangling, choking" in response.content
    # unanswered questions are listed in the error summary
    response = client.post(f"/risk/cases/{da.pk}/dash/new", {"person": victim.pk})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert response.content.count(b"Select an answer to question") >= 24 * 2 - 1
    assert not Assessment.objects.exists()
    data = {"person": victim.pk, "children_in_household": "1", **dash_answers(15)}
    response = client.post(f"/risk/cases/{da.pk}/dash/new", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = Assessment.objects.get()
    assert assessment.grade == "high"
    response = client.get(response["Location"])
    assert (
        b"Refer to MARAC" in response.content and b"children&#x27;s social care" in response.content
    )

    # refer to MARAC
    response = client.get(f"/marac/referrals/new?assessment={assessment.pk}")
    assert response.status_code == 200
    response = client.post(
        "/marac/referrals/new",
        {
            "assessment": assessment.pk,
            "victim": victim.pk,
            "partnership": da.owner_organisation.partnerships.get().pk,
            "criterion": "visible_high_risk",
            "reasons": "15 yes answers on DASH",
            **date_fields("referred_on", today),
            "children_in_household": "1",
            "victim_disability": "no",
            "victim_lgbt_plus": "not_known",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = MaracReferral.objects.get()
    assert referral.victim_gender == "Female" and not referral.is_repeat

    # the coordinator (another organisation) sees the referral and plans a meeting
    sign_in(client, coordinator)
    response = client.get("/marac/")
    assert response.status_code == 200 and b"Dana Hollis" in response.content
    response = client.post(
        "/marac/meetings/new",
        {"partnership": referral.partnership_id, **date_fields("held_on", today)},
    )
    assert response.status_code == 302
    meeting = MaracMeeting.objects.get()
    give_purpose(client, purpose_scope("marac_meeting", meeting.pk))
    assert da not in cases_visible_to(coordinator.user)
    response = client.post(f"/marac/meetings/{meeting.pk}/agenda", {"referral": referral.pk})
    assert response.status_code == 302
    # the case and its records are shared with the police, audited as disclosures
    assert da in cases_visible_to(police_worker.user)
    assert victim in people_visible_to(police_worker.user)
    shared = set(
        RecordShare.objects.filter(organisation=coordinator.organisation).values_list(
            "record_type", flat=True
        )
    )
    assert shared == {"case", "person", "incident", "place"}
    assert AuditEvent.objects.filter(action="record.shared", operation="disclosure").count() == 5
    response = client.get(f"/marac/meetings/{meeting.pk}/")
    assert response.status_code == 200 and b"Dana Hollis" in response.content
    item = meeting.items.get()
    response = client.post(
        f"/marac/items/{item.pk}/research", {f"item{item.pk}-text": "Two call-outs last year"}
    )
    assert response.status_code == 302
    assert ResearchNote.objects.get().organisation == coordinator.organisation
    response = client.post(
        f"/marac/items/{item.pk}/actions",
        {
            f"item{item.pk}-organisation": worker.organisation_id,
            f"item{item.pk}-description": "Safety plan",
            **{f"item{item.pk}-{k}": v for k, v in date_fields("due_on", today).items()},
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    action = MaracAction.objects.get()
    # an empty action shows the GOV.UK error summary
    response = client.post(f"/marac/items/{item.pk}/actions", {})
    assert response.status_code == 400 and b"govuk-error-summary" in response.content
    response = client.post(
        f"/marac/meetings/{meeting.pk}/minutes",
        {"minutes": "Safety planning agreed", "held": "true", "version": meeting.version},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.version == 2
    # a stale save is refused and nothing is overwritten
    response = client.post(
        f"/marac/meetings/{meeting.pk}/minutes", {"minutes": "Overwrite", "version": 1}
    )
    assert response.status_code == 200 and b"Someone else saved" in response.content
    meeting.refresh_from_db()
    assert meeting.minutes == "Safety planning agreed"

    # the referring agency completes its action
    sign_in(client, worker)
    response = client.post(f"/marac/actions/{action.pk}/complete")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.completed_at is not None

    # data form figures
    sign_in(client, coordinator)
    response = client.get(
        "/marac/data-form",
        {
            "partnership": referral.partnership_id,
            **date_fields("start", today),
            **date_fields("end", today),
            "adult_women": "50000",
        },
    )
    assert response.status_code == 200 and b"Cases discussed" in response.content


def test_referral_inbox_send_accept_and_decline(client: Any, make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    receiver = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    sign_in(client, worker)
    give_purpose(client, purpose_scope("person", victim.pk, case_id=da.pk))
    url = f"/referrals/new?person={victim.pk}&case={da.pk}&service=childrens_social_care"
    assert client.get(url).status_code == 200
    response = client.post(
        "/referrals/new",
        {
            "person": victim.pk,
            "case": da.pk,
            "service": "childrens_social_care",
            "to_organisation": receiver.organisation_id,
            "details": "Two children at home",
            "consent": "not_sought",
        },
    )
    assert response.status_code == 200 and b"without the person&#x27;s consent" in response.content
    response = client.post(
        "/referrals/new",
        {
            "person": victim.pk,
            "case": da.pk,
            "service": "childrens_social_care",
            "to_organisation": receiver.organisation_id,
            "details": "Two children at home",
            "consent": "not_sought",
            "consent_override_reason": "Asking would increase the risk",
        },
    )
    assert response.status_code == 302, response.content.decode()[
        response.content.decode().find("error-summary") :
    ][:1500]
    referral = Referral.objects.get()
    assert victim in people_visible_to(receiver.user) and da in cases_visible_to(receiver.user)
    assert RecordShare.objects.get(record_type="person").legal_basis == "children_act_1989"
    sign_in(client, receiver)
    response = client.get("/referrals/")
    assert b"Dana Hollis" in response.content and b"1 awaiting a decision" in response.content
    give_purpose(client, purpose_scope("referral", referral.pk))
    response = client.post(f"/referrals/{referral.pk}/", {"decision": "declined", "version": 1})
    assert response.status_code == 200 and b"reason for declining" in response.content
    response = client.post(f"/referrals/{referral.pk}/", {"decision": "accepted", "version": 1})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.decided_by == receiver.user
    assert AuditEvent.objects.filter(action="referral.accepted").exists()
