"""Retention review and erasure: personal data gone, depersonalised counts kept, files
deleted from storage after commit, every erasure audited with its reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.models import Case, CaseDocument, CaseNote
from saferhub.governance import selectors, services
from saferhub.governance.models import Erasure
from saferhub.incidents.models import Incident, Involvement
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.people.models import Person, PersonName
from tests.cases.factories import share
from tests.sharing import records

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - datetime.timedelta(days=365 * 7 + 2)  # past the default 6 years
RECENT = NOW - datetime.timedelta(days=365)


def age(model: Any, pk: int, when: datetime.datetime, **extra: Any) -> None:
    """Back-date a record (queryset update bypasses auto_now)."""
    fields = {f: when for f in ("created_at", "updated_at") if hasattr(model, f)}
    model.objects.filter(pk=pk).update(**fields, **extra)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def old_world(make_member: Any) -> dict[str, Any]:
    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    jo = records.person(worker, "Jo", "Marsh", phone="07700 900123", postcode="ZZ1 1ZZ")
    records.alias(jo, "Jojo", "Marsh")
    incident = records.incident(
        worker, people=[(jo, "victim")], narrative="Shouting", reference="R1", occurred_at=OLD
    )
    case = records.case(
        worker,
        people=[(jo, "victim")],
        incidents=[incident],
        opened_at=OLD,
        status="closed",
        closed_at=OLD + datetime.timedelta(days=30),
        outcome="Behaviour stopped",
        summary="Neighbour dispute",
    )
    records.note(case, worker, "Spoke to Jo")
    records.action(case, worker, "Letter to Jo", OLD.date())
    document = CaseDocument(
        case=case,
        original_name="statement-jo.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=worker.user,
    )
    document.file.save("statement.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    for model, pk in ((Person, jo.pk), (Incident, incident.pk)):
        age(model, pk, OLD)
    fresh = records.person(worker, "Kim", "Lowe")
    records.incident(worker, people=[(fresh, "victim")], occurred_at=RECENT)
    return {
        "manager": manager,
        "worker": worker,
        "jo": jo,
        "incident": incident,
        "case": case,
        "document": document,
        "fresh": fresh,
    }


def test_the_review_lists_only_records_past_the_period(old_world: dict[str, Any]) -> None:
    review = selectors.retention_review(
        actor=old_world["manager"].user, membership=old_world["manager"]
    )
    assert review.years == 6
    assert review.cases == [old_world["case"]]
    assert review.people == [old_world["jo"]]
    assert review.incidents == [old_world["incident"]]
    assert AuditEvent.objects.filter(action="retention.reviewed").exists()


def test_an_open_case_keeps_its_people_and_incidents(
    old_world: dict[str, Any],
) -> None:
    Case.objects.filter(pk=old_world["case"].pk).update(status="open", closed_at=None)
    review = selectors.retention_review(
        actor=old_world["manager"].user, membership=old_world["manager"]
    )
    assert review.cases == review.people == review.incidents == []


def test_a_longer_partnership_period_wins(old_world: dict[str, Any], partnership: Any) -> None:
    partnership.retention_years = 10
    partnership.save()
    review = selectors.retention_review(
        actor=old_world["manager"].user, membership=old_world["manager"]
    )
    assert review.cases == review.people == review.incidents == []


def test_erasing_a_person_removes_personal_data_and_keeps_counts(
    old_world: dict[str, Any],
) -> None:
    jo = old_world["jo"]
    services.person_erase(actor=old_world["manager"].user, person=jo, reason="Retention review")
    jo.refresh_from_db()
    assert (jo.given_name, jo.family_name, jo.phone, jo.postcode) == ("Erased", "record", "", "")
    assert jo.erased_at is not None
    assert not PersonName.objects.filter(person=jo).exists()
    # their part in the incident goes; the incident stays for counts (test_person_erasure)
    assert not Involvement.objects.filter(person=jo).exists()
    assert Incident.objects.filter(pk=old_world["incident"].pk).exists()
    assert jo not in people_visible_to(old_world["worker"].user)
    event = AuditEvent.objects.get(action="person.erased")
    assert (event.operation, event.purpose, event.subject_id) == (
        "erasure",
        "Retention review",
        str(jo.pk),
    )
    assert Erasure.objects.filter(record_type="person", record_id=jo.pk).exists()
    with pytest.raises(ValidationError):
        services.person_erase(actor=old_world["manager"].user, person=jo, reason="Again")


def test_erasing_a_case_deletes_notes_and_documents_and_keeps_counts(
    old_world: dict[str, Any], django_capture_on_commit_callbacks: Any, organisations: Any
) -> None:
    case, document = old_world["case"], old_world["document"]
    worker, other = old_world["worker"], organisations["other"]
    case_share = share("case", case.pk, worker, other, reason="Jo Marsh fears her neighbour")
    incident_share = share("incident", old_world["incident"].pk, worker, other, reason="Jo's call")
    storage = document.file.storage
    name = document.file.name
    assert storage.exists(name)
    before = list(Case.objects.values("case_type", "status").annotate(n=Count("pk")))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_erase(actor=old_world["manager"].user, case=case, reason="Retention review")
    case.refresh_from_db()
    assert case.title == "Erased case" and case.summary == ""
    assert case.outcome == "Behaviour stopped"
    assert not CaseNote.objects.filter(case=case).exists()
    assert not CaseDocument.objects.filter(case=case).exists()
    assert not storage.exists(name)
    assert set(case.actions.values_list("description", flat=True)) == {"Erased"}
    assert list(Case.objects.values("case_type", "status").annotate(n=Count("pk"))) == before
    event = AuditEvent.objects.get(action="case.erased")
    assert event.payload == {
        "notes_deleted": 1,
        "documents_deleted": 1,
        "actions_cleared": 1,
        "assessments_cleared": 0,
        "marac_referrals_cleared": 0,
        "marac_research_notes_cleared": 0,
        "marac_actions_cleared": 0,
        "referrals_cleared": 0,
        "share_reasons_cleared": 1,
    }
    case_share.refresh_from_db()
    incident_share.refresh_from_db()
    assert (case_share.reason, incident_share.reason) == ("Erased", "Jo's call")
    assert (
        selectors.cases_due(
            old_world["manager"].user, old_world["manager"].organisation, timezone.localdate()
        ).count()
        == 0
    )


def test_erasing_an_incident_keeps_its_category_month_and_place(
    old_world: dict[str, Any], organisations: Any
) -> None:
    incident, worker = old_world["incident"], old_world["worker"]
    other = organisations["other"]
    incident_share = share("incident", incident.pk, worker, other, reason="Jo's call")
    case_share = share("case", old_world["case"].pk, worker, other, reason="Jo's case")
    services.incident_erase(actor=old_world["manager"].user, incident=incident, reason="Review")
    incident.refresh_from_db()
    assert (incident.narrative, incident.reference) == ("", "")
    assert incident.category == "asb:personal" and incident.occurred_at == OLD
    event = AuditEvent.objects.get(action="incident.erased")
    assert (event.operation, event.payload) == ("erasure", {"share_reasons_cleared": 1})
    incident_share.refresh_from_db()
    case_share.refresh_from_db()
    assert (incident_share.reason, case_share.reason) == ("Erased", "Jo's case")


def test_records_not_yet_due_cannot_be_erased(old_world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.person_erase(
            actor=old_world["manager"].user, person=old_world["fresh"], reason="Tidy up"
        )
    assert old_world["fresh"].given_name == "Kim"
    assert not AuditEvent.objects.filter(action="person.erased").exists()


def test_a_reason_is_required(old_world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.person_erase(actor=old_world["manager"].user, person=old_world["jo"], reason="")


def test_only_supervisors_of_the_owner_may_erase(
    old_world: dict[str, Any], make_member: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.person_erase(
            actor=old_world["worker"].user, person=old_world["jo"], reason="Review"
        )
    other_manager = make_member(Role.TEAM_MANAGER, "other")
    from django.http import Http404

    with pytest.raises(Http404):
        services.person_erase(actor=other_manager.user, person=old_world["jo"], reason="Review")
