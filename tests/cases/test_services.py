"""Case services: state, audit event and errors; optimistic locking; documents; merging."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases import services
from saferhub.cases.models import Case, CaseEvent
from saferhub.cases.rules import Status
from saferhub.incidents.models import Involvement
from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from saferhub.people.models import MergeProposal, Person
from saferhub.sharing.models import AccessLevel
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_open_case_schedules_review_and_audits(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    victim = f.person(worker)
    case = f.case(worker, [(victim, "victim")])
    assert case.reference == f"ASB-{case.pk:06d}"
    assert case.lead_officer == worker.user
    review = case.reviews.get()
    assert review.due_on == timezone.localdate() + datetime.timedelta(days=28)
    event = last_event("case.opened")
    assert event.operation == "collection" and event.subject_id == str(victim.pk)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_open_case_errors(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    with pytest.raises(ValidationError, match="Select the type of case"):
        f.case(worker, case_type="nonsense")
    with pytest.raises(ValidationError, match="Enter a title"):
        f.case(worker, title=" ")
    with pytest.raises(ValidationError, match="role in the case"):
        f.case(worker, [(f.person(worker), "child")])
    other = make_member(Role.CASEWORKER, "other")
    with pytest.raises(ValidationError, match="lead officer from your organisation"):
        f.case(worker, lead_officer=other.user)
    with pytest.raises(PermissionDenied):
        f.case(make_member(Role.ANALYST))


def test_second_save_of_the_same_case_is_refused(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    services.case_update(actor=worker.user, case=case, version=1, title="First", summary="")
    with pytest.raises(services.StaleEditError):
        services.case_update(actor=worker.user, case=case, version=1, title="Second", summary="x")
    assert Case.objects.get(pk=case.pk).title == "First"
    with pytest.raises(services.StaleEditError):
        services.case_close(actor=worker.user, case=case, version=1, outcome="Behaviour stopped")


def test_status_workflow_and_closure(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    case = services.case_change_status(actor=worker.user, case=case, version=1, status="on_hold")
    with pytest.raises(ValidationError, match="closure page"):
        services.case_change_status(actor=worker.user, case=case, version=2, status="closed")
    with pytest.raises(ValidationError, match="Select the outcome"):
        services.case_close(actor=worker.user, case=case, version=2, outcome="Risk reduced")
    case = services.case_close(actor=worker.user, case=case, version=2, outcome="Behaviour stopped")
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert not case.reviews.filter(completed_at__isnull=True).exists()
    with pytest.raises(ValidationError, match="already closed"):
        services.case_close(actor=worker.user, case=case, version=3, outcome="Behaviour stopped")
    with pytest.raises(ValidationError, match="cannot move"):
        services.case_change_status(actor=worker.user, case=case, version=3, status="on_hold")
    case = services.case_change_status(actor=worker.user, case=case, version=3, status="open")
    assert case.outcome == "" and case.reviews.filter(completed_at__isnull=True).count() == 1


def test_contributors_add_notes_but_do_not_change_the_case(make_member: Any) -> None:
    owner = make_member(Role.CASEWORKER)
    partner = make_member(Role.CASEWORKER, "other")
    case = f.case(owner)
    with pytest.raises(Http404):
        services.case_add_note(actor=partner.user, case=case, text="Hello")
    f.share("case", case.pk, owner, partner.organisation, AccessLevel.CONTRIBUTE)
    note = services.case_add_note(actor=partner.user, case=case, text="Seen at school")
    assert note.organisation == partner.organisation
    with pytest.raises(PermissionDenied):
        services.case_update(actor=partner.user, case=case, version=1, title="x", summary="")


def test_actions_and_reviews(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    with pytest.raises(ValidationError, match="today or in the future"):
        services.case_add_action(
            actor=worker.user, case=case, description="Visit", due_on=datetime.date(2000, 1, 1)
        )
    action = services.case_add_action(
        actor=worker.user, case=case, description="Visit", due_on=timezone.localdate()
    )
    assert action.owner == worker.user
    services.case_complete_action(actor=worker.user, action=action)
    with pytest.raises(ValidationError):
        services.case_complete_action(actor=worker.user, action=action)
    review = case.reviews.get()
    with pytest.raises(ValidationError, match="what the review found"):
        services.case_complete_review(actor=worker.user, review=review, notes="")
    services.case_complete_review(actor=worker.user, review=review, notes="Fine")
    assert case.reviews.filter(completed_at__isnull=True).count() == 1


def test_review_interval_from_risk_grade(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    review = services.case_set_review_interval(
        actor=worker.user, case=case, days=14, reason="ASB risk High"
    )
    assert review is not None
    assert review.due_on == timezone.localtime(case.opened_at).date() + datetime.timedelta(days=14)
    assert Case.objects.get(pk=case.pk).review_interval_days == 14
    assert last_event("case.review_interval_set").payload == {"days": 14, "reason": "ASB risk High"}
    with pytest.raises(ValidationError):
        services.case_set_review_interval(actor=worker.user, case=case, days=0, reason="x")


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a program", "not a real PDF file"),
        ("photo.png", PDF, "not a real PNG file"),
        ("letter.docx", b"PK\x03\x04not really a zip", "not a real DOCX file"),
        ("tool.exe", b"MZ\x90\x00", "must be a PDF, Word, Excel"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_disguised_documents_are_refused(
    make_member: Any, settings: Any, tmp_path: Any, name: str, content: bytes, message: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    with pytest.raises(ValidationError, match=message):
        services.case_add_document(
            actor=worker.user, case=case, upload=SimpleUploadedFile(name, content)
        )
    assert not case.documents.exists()


def test_documents_are_stored_outside_the_web_root(
    make_member: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_DOCUMENT_MAX_BYTES = 1000
    worker = make_member(Role.CASEWORKER)
    case = f.case(worker)
    with pytest.raises(ValidationError, match="smaller than"):
        services.case_add_document(
            actor=worker.user, case=case, upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
        )
    document = services.case_add_document(
        actor=worker.user, case=case, upload=SimpleUploadedFile("r.pdf", PDF)
    )
    assert document.content_type == "application/pdf"
    assert "/case-documents/" in document.file.path
    assert not document.file.path.startswith(str(settings.STATIC_ROOT))
    document.file.delete(save=False)


def test_merge_is_proposed_then_approved_by_another_supervisor(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    manager = make_member(Role.TEAM_MANAGER)
    survivor = f.person(worker, "William", "Smith")
    duplicate = f.person(worker, "Bill", "Smith")
    incident = f.incident(worker, [(duplicate, "victim")])
    case = f.case(worker, [(duplicate, "victim")])
    with pytest.raises(ValidationError, match="Enter why"):
        people_services.merge_propose(
            actor=worker.user, survivor=survivor, duplicate=duplicate, reason=""
        )
    proposal = people_services.merge_propose(
        actor=worker.user, survivor=survivor, duplicate=duplicate, reason="Same DOB and address"
    )
    with pytest.raises(PermissionDenied):
        services.person_merge_approve(actor=worker.user, proposal=proposal)
    services.person_merge_approve(actor=manager.user, proposal=proposal)
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    assert Involvement.objects.get(incident=incident).person_id == survivor.pk
    assert case.case_people.get().person_id == survivor.pk
    assert survivor.other_names.filter(given_name="Bill").exists()
    assert MergeProposal.objects.get().status == "approved"
    assert last_event("person.merged").operation == "combination"
    with pytest.raises(ValidationError, match="already been decided"):
        services.person_merge_approve(actor=manager.user, proposal=MergeProposal.objects.get())


def test_own_proposal_needs_another_supervisor(make_member: Any) -> None:
    manager = make_member(Role.TEAM_MANAGER)
    a, b = f.person(manager), f.person(manager)
    proposal = people_services.merge_propose(
        actor=manager.user, survivor=a, duplicate=b, reason="Same"
    )
    with pytest.raises(ValidationError, match="Another supervisor"):
        services.person_merge_approve(actor=manager.user, proposal=proposal)
    other = make_member(Role.TEAM_MANAGER)
    people_services.merge_reject(actor=other.user, proposal=proposal, reason="Different people")
    assert MergeProposal.objects.get().status == "rejected"
