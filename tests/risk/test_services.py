"""Risk services: state, audit and errors (DASH, ASB and its review interval, wording,
settings), and the Community Trigger selector."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.models import CaseReview
from saferhub.incidents.models import Incident, Involvement
from saferhub.organisations.rules import Role
from saferhub.risk import selectors, services
from saferhub.risk.models import Assessment, Questionnaire, RiskSettings
from saferhub.risk.rules import Grade
from tests.risk.factories import asb_answers, case, da_case, dash_answers, person

pytestmark = pytest.mark.django_db


def test_questionnaires_load_once_by_version() -> None:
    dash = services.questionnaire_load("dash")
    assert (dash.code, dash.version, len(dash.definition["questions"])) == ("dash", 1, 24)
    assert services.questionnaire_load("dash", version=1).pk == dash.pk
    assert Questionnaire.objects.filter(code="dash").count() == 1
    with pytest.raises(ValueError, match="no questionnaire"):
        services.questionnaire_load("dash", version=99)


def test_a_changed_released_version_is_refused() -> None:
    dash = services.questionnaire_load("dash")
    Questionnaire.objects.filter(pk=dash.pk).update(sha256="0" * 64)
    with pytest.raises(ValueError, match="must not change"):
        services.questionnaire_load("dash")


def test_licensed_wording_is_added_to_the_same_ids(make_member: Any) -> None:
    admin = make_member(Role.SYSTEM_ADMINISTRATOR)
    q = services.questionnaire_load_wording(
        actor=admin.user,
        code="dash",
        version=1,
        wording={"q01": "Licensed text one?"},
        source="Licence 2026",
    )
    assert q.wording == {"q01": "Licensed text one?"}
    assert AuditEvent.objects.filter(action="questionnaire.wording_loaded").exists()
    with pytest.raises(ValueError, match="q99"):
        services.questionnaire_load_wording(
            actor=admin.user, code="dash", version=1, wording={"q99": "x"}, source="x"
        )


def test_dash_high_proposes_marac_and_children_referral(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, victim, *_ = da_case(worker)
    a = services.assessment_create(
        actor=worker.user,
        case=da,
        person=victim,
        kind="dash",
        answers=dash_answers(14),
        children_in_household=2,
    )
    assert (a.score, a.calculated_grade, a.grade) == (14, "high", "high")
    assert a.proposals == ["marac", "childrens_social_care"]
    assert (a.medium_from, a.high_from, a.questionnaire.version) == (10, 14, 1)
    event = AuditEvent.objects.get(action="assessment.created")
    assert event.operation == "collection" and event.subject_id == str(victim.pk)
    assert event.record_owner_organisation_id == worker.organisation_id
    assert event.payload["grade"] == "high"


def test_dash_judgement_raises_with_reasons_never_lowers(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, victim, *_ = da_case(worker)
    a = services.assessment_create(
        actor=worker.user,
        case=da,
        person=victim,
        kind="dash",
        answers=dash_answers(11),
        judged_grade=Grade.HIGH,
        judgement_reasons="Recent strangulation and separation",
    )
    assert (a.calculated_grade, a.grade, a.raised_by_judgement) == ("medium", "high", True)
    assert a.proposals == ["marac"]
    with pytest.raises(ValidationError) as raised:
        services.assessment_create(
            actor=worker.user,
            case=da,
            person=victim,
            kind="dash",
            answers=dash_answers(14),
            judged_grade=Grade.MEDIUM,
            judgement_reasons="Feels safer",
        )
    assert "cannot lower" in str(raised.value)
    assert Assessment.objects.count() == 1


def test_unanswered_dash_is_refused_listing_each_question(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, victim, *_ = da_case(worker)
    answers = dash_answers(5)
    del answers["q04"], answers["q20"]
    with pytest.raises(ValidationError) as raised:
        services.assessment_create(
            actor=worker.user, case=da, person=victim, kind="dash", answers=answers
        )
    assert set(raised.value.message_dict) == {"q04", "q20"}
    assert raised.value.message_dict["q04"] == [
        "Select an answer to question 4: Isolation from family or friends"
    ]
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.created").exists()


def test_a_person_not_on_the_case_is_refused(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, *_ = da_case(worker)
    stranger = person(worker, "Sam", "Other")
    with pytest.raises(ValidationError, match="person on this case"):
        services.assessment_create(
            actor=worker.user, case=da, person=stranger, kind="dash", answers=dash_answers(3)
        )


def test_partnership_thresholds_apply_and_are_stored(make_member: Any, partnership: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    RiskSettings.objects.create(partnership=partnership, dash_medium_from=6, dash_high_from=12)
    da, victim, *_ = da_case(worker)
    a = services.assessment_create(
        actor=worker.user, case=da, person=victim, kind="dash", answers=dash_answers(12)
    )
    assert (a.grade, a.medium_from, a.high_from) == ("high", 6, 12)


def test_asb_high_sets_a_14_day_review_and_medium_28(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    victim = person(worker, "Lee", "Marsh")
    asb = case(worker, case_type="asb", people=[(victim, "victim")])
    today = timezone.localdate()
    high = services.assessment_create(
        actor=worker.user,
        case=asb,
        person=victim,
        kind="asb",
        answers=asb_answers(("a01", "a02", "a03", "a04", "a05", "a06", "a10")),
    )
    assert (high.score, high.grade) == (25, "high")
    assert high.review_due_on == today + datetime.timedelta(days=14)
    review = CaseReview.objects.get(case=asb, completed_at__isnull=True)
    assert review.due_on == today + datetime.timedelta(days=14)
    asb.refresh_from_db()
    assert asb.review_interval_days == 14
    medium = services.assessment_create(
        actor=worker.user,
        case=asb,
        person=victim,
        kind="asb",
        answers=asb_answers(("a01", "a03", "a06")),
    )
    assert medium.grade == "medium"
    review.refresh_from_db()
    assert review.due_on == today + datetime.timedelta(days=28)
    assert CaseReview.objects.filter(case=asb).count() == 1


def test_settings_change_is_locked_and_audited(make_member: Any, partnership: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    stored = services.risk_settings_change(
        actor=admin.user, partnership=partnership, values={"dash_high_from": 15}, version=1
    )
    assert (stored.dash_high_from, stored.version) == (15, 2)
    with pytest.raises(services.StaleEditError):
        services.risk_settings_change(
            actor=admin.user, partnership=partnership, values={"dash_high_from": 16}, version=1
        )
    with pytest.raises(ValidationError):
        services.risk_settings_change(
            actor=admin.user, partnership=partnership, values={"dash_high_from": 5}, version=2
        )
    worker = make_member(Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.risk_settings_change(
            actor=worker.user, partnership=partnership, values={}, version=2
        )


def _complaint(
    owner: Any,
    who: Any,
    days_ago: int,
    reported_days_ago: int,
    category: str = "asb:personal",
    owner_org: Any = None,
) -> Incident:
    incident = Incident.objects.create(
        owner_organisation=owner_org or owner.organisation,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        category=category,
        created_by=owner.user,
    )
    Incident.objects.filter(pk=incident.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=reported_days_ago)
    )
    Involvement.objects.create(incident=incident, person=who, role="complainant")
    return incident


def test_community_trigger_counts_only_visible_qualifying_complaints(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    resident = person(worker, "Ira", "Pell")
    _complaint(worker, resident, 20, 18)
    _complaint(worker, resident, 50, 45)
    late = _complaint(worker, resident, 100, 40)  # reported two months after
    hidden = _complaint(police, resident, 10, 9)  # the police's, not shared
    check = selectors.community_trigger_check(
        actor=worker.user, person=resident, application_on=None, purpose="Managing this case"
    )
    assert not check.result.met
    assert len(check.result.qualifying) == 2
    assert [c.incident_id for c, _ in check.result.not_qualifying] == [late.pk]
    assert hidden.pk not in check.incidents
    _complaint(worker, resident, 5, 5)
    check = selectors.community_trigger_check(
        actor=worker.user, person=resident, application_on=None, purpose="Managing this case"
    )
    assert check.result.met
    event = AuditEvent.objects.filter(action="community_trigger.checked").order_by("pk").last()
    assert (
        event is not None and event.purpose == "Managing this case" and event.payload["met"] is True
    )


def test_wording_command(tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    wording = tmp_path / "wording.toml"
    wording.write_text('q01 = "Licensed wording of question one?"\nq02 = "Two?"\n')
    call_command(
        "load_questionnaire_wording", "dash", "1", str(wording), "--source", "Test licence"
    )
    q = Questionnaire.objects.get(code="dash", version=1)
    assert q.wording["q02"] == "Two?" and q.wording_source == "Test licence"
    wording.write_text('q77 = "No such question"\n')
    with pytest.raises(CommandError, match="q77"):
        call_command("load_questionnaire_wording", "dash", "1", str(wording))
