"""Erasing a person reaches every record about them: incidents, cases, places only about
them, risk assessments, MARAC referrals (research, actions, minutes), referrals between
agencies, merged-away records and merge proposals. Records shared with other people keep
their part, nothing about anyone else changes, the MARAC data form, casework figures and
other people's flags add up the same, documents leave storage only after commit, and every
erased record is registered and audited with the reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.flags import person_flags, place_flags
from saferhub.cases.models import Case, CaseDocument, CaseEvent, CaseNote, CasePerson
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.casework_mi import rules as mi_rules
from saferhub.casework_mi import selectors as mi_selectors
from saferhub.governance import selectors, services
from saferhub.governance.models import Erasure
from saferhub.incidents.models import Incident, Involvement
from saferhub.marac import selectors as marac_selectors
from saferhub.marac import services as marac_services
from saferhub.marac.models import MaracAction, MaracMeeting, MaracReferral, ResearchNote
from saferhub.organisations import services as org_services
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Role
from saferhub.people.models import MergeProposal, Person, PersonGroup, PersonName
from saferhub.places.models import Place
from saferhub.referrals import services as referral_services
from saferhub.referrals.models import Referral
from saferhub.risk import selectors as risk_selectors
from saferhub.risk import services as risk_services
from saferhub.risk.models import Assessment
from saferhub.risk.rules import Grade
from tests.risk.factories import dash_answers
from tests.sharing import records

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - datetime.timedelta(days=365 * 7 + 2)  # past the default 6 years
RECENT = NOW - datetime.timedelta(days=20)


def snapshot(*rows: Any) -> list[dict[str, Any]]:
    """Every field of each row as the database holds it now."""
    return [model_to_dict(type(r).objects.get(pk=r.pk)) for r in rows]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(make_member: Any, organisations: dict[str, Any]) -> dict[str, Any]:
    """Jo Marsh (past retention) with records of every type, some shared with Kim Lowe
    (still active); an unrelated case of Sam Ode."""
    manager = make_member(Role.TEAM_MANAGER)
    worker = make_member(Role.CASEWORKER)
    coordinator = make_member(Role.MARAC_COORDINATOR)
    w: dict[str, Any] = {"manager": manager, "worker": worker}
    jo = records.person(
        worker, "Jo", "Marsh", gender="female", phone="07700 900123", ethnicity="White British"
    )
    records.alias(jo, "Jojo", "Marsh")
    kim = records.person(worker, "Kim", "Lowe", gender="female")
    records.alias(kim, "Kimberley", "Lowe")
    sam = records.person(worker, "Sam", "Ode")
    duplicate = records.person(worker, "Joanne", "Marsh", phone="07700 900999")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=jo)
    proposal = MergeProposal.objects.create(
        survivor=jo,
        duplicate=duplicate,
        organisation=worker.organisation,
        reason="Joanne Marsh is Jo Marsh: same phone",
        status=MergeProposal.Status.APPROVED,
        proposed_by=worker.user,
        decision_reason="Confirmed with Jo Marsh",
    )
    group = PersonGroup.objects.create(owner_organisation=worker.organisation, name="Estate")
    group.members.add(jo, kim)
    home = records.place(
        worker,
        address="1 Example Street, Brackenford",
        postcode="ZZ1 1ZZ",
        uprn="100000000001",
        latitude=52.6,
        longitude=-1.1,
        lsoa_code="E01000001",
        district_code="E07000901",
    )
    park = records.place(worker, name="Riverside Park", district_code="E07000902")
    alone = records.incident(
        worker,
        people=[(jo, "victim")],
        narrative="Jo Marsh was threatened at home",
        reference="R1",
        occurred_at=OLD,
        place=home,
        category="domestic_abuse",
    )
    shared = records.incident(
        worker,
        people=[(jo, "victim"), (kim, "victim")],
        narrative="Jo Marsh and Kim Lowe were shouted at",
        reference="R2",
        occurred_at=OLD,
        place=park,
    )
    kims = [  # Kim's own incidents at the park, recent and around the shared one: repeat
        # victim and repeat location flags, then and now
        records.incident(worker, people=[(kim, "victim")], occurred_at=when, place=park)
        for when in (
            RECENT,
            RECENT - datetime.timedelta(days=10),
            RECENT - datetime.timedelta(days=20),
            OLD - datetime.timedelta(days=10),
            OLD - datetime.timedelta(days=20),
        )
    ]
    closed = {"status": "closed", "closed_at": OLD + datetime.timedelta(days=30)}
    case_alone = records.case(
        worker,
        case_type="domestic_abuse",
        title="Jo Marsh: domestic abuse",
        summary="Jo Marsh lives with her partner",
        people=[(jo, "victim")],
        incidents=[alone],
        places=[home],
        opened_at=OLD,
        outcome="Moved away",
        **closed,
    )
    records.note(case_alone, worker, "Safety plan agreed with Jo")
    records.action(case_alone, worker, "Call Jo Marsh", OLD.date())
    records.review(case_alone, OLD.date(), notes="Jo Marsh safer")
    CaseEvent.objects.create(
        case=case_alone,
        actor=worker.user,
        organisation=worker.organisation,
        description="Jo Marsh linked as victim",
    )
    document = CaseDocument(
        case=case_alone,
        original_name="statement-jo.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=worker.user,
    )
    document.file.save("statement.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    case_shared = records.case(
        worker,
        title="Estate nuisance: Jo Marsh and Kim Lowe",
        people=[(jo, "victim"), (kim, "victim")],
        incidents=[shared],
        places=[park],
        opened_at=OLD,
        outcome="Resolved",
        **closed,
    )
    shared_note = records.note(case_shared, worker, "Visited Jo Marsh and Kim Lowe together")
    kim_note = records.note(case_shared, worker, "Kim Lowe asked for a call back")
    CaseEvent.objects.create(
        case=case_shared,
        actor=worker.user,
        organisation=worker.organisation,
        description="Jo Marsh linked as victim",
    )
    shared_doc = CaseDocument(
        case=case_shared,
        original_name="joint-letter.pdf",
        content_type="application/pdf",
        size=9,
        sha256="1" * 64,
        uploaded_by=worker.user,
    )
    shared_doc.file.save("joint.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    shared_doc.save()
    unrelated = records.case(worker, title="Sam Ode: noise", people=[(sam, "subject")])
    unrelated_note = records.note(unrelated, worker, "Jo Marsh is not involved here")

    jo_dash = risk_services.assessment_create(
        actor=worker.user,
        case=case_alone,
        person=jo,
        kind="dash",
        answers=dash_answers(12),
        judged_grade=Grade.HIGH,
        judgement_reasons="Jo Marsh fears for her life",
    )
    kim_dash = risk_services.assessment_create(
        actor=worker.user, case=case_shared, person=kim, kind="dash", answers=dash_answers(5)
    )
    partnership = Partnership.objects.get()
    jo_marac = marac_services.referral_create(
        actor=worker.user,
        case=case_alone,
        victim=jo,
        partnership=partnership,
        criterion="professional_judgement",
        reasons="Jo Marsh at high risk",
        referred_on=OLD.date(),
        children_in_household=2,
    )
    kim_marac = marac_services.referral_create(
        actor=worker.user,
        case=case_shared,
        victim=kim,
        partnership=partnership,
        criterion="visible_high_risk",
        reasons="Kim Lowe at high risk",
        referred_on=OLD.date(),
    )
    meeting = marac_services.meeting_create(
        actor=coordinator.user, partnership=partnership, held_on=OLD.date()
    )
    jo_item, _ = marac_services.agenda_add(
        actor=coordinator.user, meeting=meeting, referral=jo_marac
    )
    kim_item, _ = marac_services.agenda_add(
        actor=coordinator.user, meeting=meeting, referral=kim_marac
    )
    jo_research = marac_services.research_note_add(
        actor=worker.user, item=jo_item, text="Police know Jo Marsh"
    )
    kim_research = marac_services.research_note_add(
        actor=worker.user, item=kim_item, text="Police know Kim Lowe"
    )
    jo_action = marac_services.action_add(
        actor=coordinator.user,
        item=jo_item,
        organisation=worker.organisation,
        description="Refuge place for Jo Marsh",
        due_on=OLD.date(),
    )
    marac_services.minutes_save(
        actor=coordinator.user,
        meeting=meeting,
        minutes="Jo Marsh: refuge agreed. Kim Lowe: safety plan.",
        held=True,
        version=meeting.version,
    )
    referral = referral_services.referral_send(
        actor=worker.user,
        person=jo,
        case=case_alone,
        to_organisation=organisations["other"],
        service="domestic_abuse_service",
        details="IDVA support for Jo Marsh",
        consent="refused_overridden",
        consent_override_reason="Jo Marsh's children at risk",
    )
    Referral.objects.filter(pk=referral.pk).update(
        status="declined", decision_reason="Jo Marsh already supported", sent_at=OLD
    )
    # back-date everything about Jo (queryset updates bypass auto_now)
    Assessment.objects.update(assessed_at=OLD)
    Assessment.objects.filter(pk=kim_dash.pk).update(assessed_at=RECENT)
    Person.objects.filter(pk__in=[jo.pk, duplicate.pk]).update(created_at=OLD, updated_at=OLD)
    Incident.objects.filter(pk__in=[alone.pk, shared.pk]).update(created_at=OLD)
    w.update(
        jo=jo,
        kim=kim,
        sam=sam,
        duplicate=duplicate,
        proposal=proposal,
        group=group,
        home=home,
        park=park,
        alone=alone,
        shared=shared,
        kims=kims,
        case_alone=case_alone,
        case_shared=case_shared,
        shared_note=shared_note,
        kim_note=kim_note,
        document=document,
        shared_doc=shared_doc,
        unrelated=unrelated,
        unrelated_note=unrelated_note,
        jo_dash=jo_dash,
        kim_dash=kim_dash,
        jo_marac=jo_marac,
        kim_marac=kim_marac,
        meeting=meeting,
        jo_research=jo_research,
        kim_research=kim_research,
        jo_action=jo_action,
        referral=referral,
        partnership=partnership,
    )
    return w


def figures(w: dict[str, Any]) -> dict[str, Any]:
    """Everything depersonalised that must add up the same after the erasure."""
    manager = w["manager"].user
    start, end = OLD.date() - datetime.timedelta(days=1), OLD.date() + datetime.timedelta(days=1)
    form = marac_selectors.data_form(
        actor=manager, partnership=w["partnership"], start=start, end=end, adult_women=10_000
    ).form
    period = mi_rules.Period(OLD.date() - datetime.timedelta(days=30), timezone.localdate())
    rows = mi_selectors.case_rows(
        actor=manager,
        filters=mi_selectors.Filters(period=period, group_by="district"),
        today=timezone.localdate(),
    )
    flags_now = person_flags(actor=manager, person_id=w["kim"].pk)
    then = OLD.date() + datetime.timedelta(days=5)
    flags_then = person_flags(actor=manager, person_id=w["kim"].pk, today=then)
    return {
        "data_form": form,
        "casework": sorted(map(repr, rows)),
        "casework_by_district": mi_rules.figures(rows, group_by="district", period=period),
        "kim_flags": [(f.kind, len(f.causes)) for f in flags_now.flags],
        "kim_flags_then": [(f.kind, len(f.causes)) for f in flags_then.flags],
        "park_flags_then": [
            (f.kind, len(f.causes))
            for f in place_flags(actor=manager, place_id=w["park"].pk, today=then)
        ],
        "park_flags": [
            (f.kind, len(f.causes)) for f in place_flags(actor=manager, place_id=w["park"].pk)
        ],
        "incidents": sorted(
            Incident.objects.values_list("pk", "category", "occurred_at", "place_id")
        ),
        "cases": sorted(Case.objects.values_list("pk", "case_type", "status", "outcome")),
        "assessments": sorted(Assessment.objects.values_list("pk", "score", "grade")),
    }


def erase(w: dict[str, Any], capture: Any) -> None:
    with capture(execute=True):
        services.person_erase(actor=w["manager"].user, person=w["jo"], reason="Retention review")


def test_jo_is_due_and_kim_is_not(world: dict[str, Any]) -> None:
    due = selectors.people_due(
        world["manager"].user, world["manager"].organisation, timezone.localdate()
    )
    assert world["jo"] in due
    assert world["kim"] not in due and world["duplicate"] not in due  # merged away: not listed


def test_every_record_type_about_the_person_is_cleared(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    erase(w, django_capture_on_commit_callbacks)
    jo, duplicate = Person.objects.get(pk=w["jo"].pk), Person.objects.get(pk=w["duplicate"].pk)
    for person in (jo, duplicate):
        assert (person.given_name, person.family_name, person.phone) == ("Erased", "record", "")
        assert person.erased_at is not None
    assert (jo.gender, jo.ethnicity) == ("female", "")
    assert not PersonName.objects.filter(person__in=[jo, duplicate]).exists()
    assert not w["group"].members.filter(pk=jo.pk).exists()
    proposal = MergeProposal.objects.get(pk=w["proposal"].pk)
    assert (proposal.reason, proposal.decision_reason) == ("Erased", "Erased")

    # incidents: theirs alone loses its text and reference; a shared one keeps Kim
    alone = Incident.objects.get(pk=w["alone"].pk)
    assert (alone.narrative, alone.reference) == ("", "")
    assert (alone.category, alone.occurred_at, alone.place_id) == (
        "domestic_abuse",
        OLD,
        w["home"].pk,
    )
    shared = Incident.objects.get(pk=w["shared"].pk)
    assert (shared.narrative, shared.reference) == ("", "R2")
    assert list(shared.involvements.values_list("person_id", "role")) == [(w["kim"].pk, "victim")]
    assert not Involvement.objects.filter(person__in=[jo, duplicate]).exists()

    # the case about Jo alone is erased, documents deleted from storage
    case = Case.objects.get(pk=w["case_alone"].pk)
    assert (case.title, case.summary, case.outcome) == ("Erased case", "", "Moved away")
    assert not CaseNote.objects.filter(case=case).exists()
    assert not CaseDocument.objects.filter(case=case).exists()
    assert not w["document"].file.storage.exists(w["document"].file.name)
    assert set(case.actions.values_list("description", flat=True)) == {"Erased"}
    assert set(case.reviews.values_list("notes", flat=True)) == {""}
    assert set(case.events.values_list("description", flat=True)) == {"Erased"}
    assert not CasePerson.objects.filter(person=jo).exists()

    # the shared case keeps Kim, its documents and its text with Jo's names taken out
    shared_case = Case.objects.get(pk=w["case_shared"].pk)
    assert shared_case.title == "Estate nuisance: [erased] and Kim Lowe"
    assert CaseNote.objects.get(pk=w["shared_note"].pk).text == (
        "Visited [erased] and Kim Lowe together"
    )
    assert shared_case.events.get().description == "[erased] linked as victim"
    assert list(shared_case.case_people.values_list("person_id", flat=True)) == [w["kim"].pk]
    assert CaseDocument.objects.filter(pk=w["shared_doc"].pk).exists()
    assert w["shared_doc"].file.storage.exists(w["shared_doc"].file.name)

    # Jo's home (only linked to her records) loses the address, keeps the area
    home = Place.objects.get(pk=w["home"].pk)
    assert (home.name, home.address, home.postcode, home.uprn) == ("Erased address", "", "", "")
    assert (home.latitude, home.longitude) == (None, None)
    assert (home.lsoa_code, home.district_code) == ("E01000001", "E07000901")

    # risk, MARAC and referrals
    dash = Assessment.objects.get(pk=w["jo_dash"].pk)
    assert (dash.answers, dash.judgement_reasons) == ({}, "")
    assert (dash.score, dash.grade, dash.calculated_grade) == (12, "high", "medium")
    marac = MaracReferral.objects.get(pk=w["jo_marac"].pk)
    assert marac.reasons == "Erased"
    assert (marac.victim_gender, marac.children_in_household, marac.criterion) == (
        "Female",
        2,
        "professional_judgement",
    )
    assert ResearchNote.objects.get(pk=w["jo_research"].pk).text == "Erased"
    assert MaracAction.objects.get(pk=w["jo_action"].pk).description == "Erased"
    assert MaracMeeting.objects.get(pk=w["meeting"].pk).minutes == (
        "[erased]: refuge agreed. Kim Lowe: safety plan."
    )
    referral = Referral.objects.get(pk=w["referral"].pk)
    assert (referral.details, referral.consent_override_reason, referral.decision_reason) == (
        "Erased",
        "Erased",
        "Erased",
    )
    assert (referral.status, referral.consent, referral.service) == (
        "declined",
        "refused_overridden",
        "domestic_abuse_service",
    )


def test_nothing_about_anyone_else_changes(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    others = (
        w["kim"],
        *PersonName.objects.filter(person=w["kim"]),
        w["sam"],
        w["park"],
        *w["kims"],
        *Involvement.objects.exclude(person__in=[w["jo"], w["duplicate"]]),
        w["kim_note"],
        w["unrelated"],
        w["unrelated_note"],
        w["shared_doc"],
        w["kim_dash"],
        w["kim_marac"],
        w["kim_research"],
    )
    before = snapshot(*others)
    erase(w, django_capture_on_commit_callbacks)
    assert snapshot(*others) == before
    assert set(w["group"].members.all()) == {w["kim"]}


def test_counts_and_other_peoples_flags_add_up_the_same(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    before = figures(world)
    # the world is not empty: the shared incident counts in Kim's and the park's flags then
    assert before["data_form"].cases == 2
    assert before["kim_flags"] == [("repeat_victim", 3)]
    assert before["kim_flags_then"] == [("repeat_victim", 3), ("marac_referral", 0)]
    assert before["park_flags_then"] == [("repeat_location", 3)]
    erase(world, django_capture_on_commit_callbacks)
    assert figures(world) == before


def test_every_erased_record_is_registered_and_audited(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    erase(w, django_capture_on_commit_callbacks)
    assert set(Erasure.objects.values_list("record_type", "record_id")) == {
        ("person", w["jo"].pk),
        ("person", w["duplicate"].pk),
        ("case", w["case_alone"].pk),
        ("incident", w["alone"].pk),
        ("place", w["home"].pk),
    }
    events = AuditEvent.objects.filter(operation="erasure")
    assert {(e.action, e.target_id) for e in events} == {
        ("person.erased", str(w["jo"].pk)),
        ("person.erased", str(w["duplicate"].pk)),
        ("case.erased", str(w["case_alone"].pk)),
        ("incident.erased", str(w["alone"].pk)),
        ("place.erased", str(w["home"].pk)),
    }
    assert {e.purpose for e in events} == {"Retention review"}
    assert {e.subject_id for e in events} == {str(w["jo"].pk)}
    main = events.get(action="person.erased", target_id=str(w["jo"].pk))
    assert main.payload["incidents_erased"] == [w["alone"].pk]
    assert main.payload["incidents_shared_narrative_blanked"] == [w["shared"].pk]
    assert main.payload["cases_erased"] == [w["case_alone"].pk]
    assert main.payload["places_erased"] == [w["home"].pk]
    assert main.payload["involvements_deleted"] == 2
    assert main.payload["referrals_cleared"] == 0  # cleared with the case about Jo alone
    assert main.payload["erased_cases_referrals_cleared"] == 1
    assert main.payload["erased_cases_assessments_cleared"] == 1
    assert main.payload["erased_cases_documents_deleted"] == 1
    assert main.payload["marac_research_notes_cleared"] == 0
    assert main.payload["erased_cases_marac_research_notes_cleared"] == 1
    assert main.payload["case_texts_redacted"] == 3
    assert main.payload["merged_records_erased"] == [w["duplicate"].pk]
    others = events.exclude(pk=main.pk)
    assert all(e.payload["with_person"] == w["jo"].pk for e in others)
    # a case, incident or place already erased is not erased again
    assert (
        selectors.cases_due(w["manager"].user, w["manager"].organisation, timezone.localdate())
        .filter(pk=w["case_alone"].pk)
        .count()
        == 0
    )


def test_documents_leave_storage_only_after_commit(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    document = world["document"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.person_erase(
            actor=world["manager"].user, person=world["jo"], reason="Retention review"
        )
    assert not CaseDocument.objects.filter(pk=document.pk).exists()
    assert document.file.storage.exists(document.file.name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not document.file.storage.exists(document.file.name)


def test_another_organisation_keeping_records_longer_stops_the_erasure(
    world: dict[str, Any], make_member: Any, organisations: dict[str, Any]
) -> None:
    """The police sit in a second partnership that keeps records for 10 years and recorded
    an incident with Jo 7 years ago: erasing her now would cut their policy short."""
    longer = org_services.partnership_create(
        actor=None, name="Testshire Police and Crime Board", kind=Partnership.Kind.CSP
    )
    longer.retention_years = 10
    longer.save()
    organisations["other"].partnerships.add(longer)
    police = make_member(Role.CASEWORKER, "other")
    theirs = records.incident(police, people=[(world["jo"], "witness")], occurred_at=OLD)
    Incident.objects.filter(pk=theirs.pk).update(created_at=OLD)
    with pytest.raises(ValidationError, match="Testshire Police must keep records"):
        services.person_erase(
            actor=world["manager"].user, person=world["jo"], reason="Retention review"
        )
    assert Person.objects.get(pk=world["jo"].pk).given_name == "Jo"
    assert Involvement.objects.filter(incident=theirs).exists()
    assert not Erasure.objects.exists()


def test_a_recent_referral_keeps_a_person_out_of_the_review(world: dict[str, Any]) -> None:
    Referral.objects.filter(pk=world["referral"].pk).update(sent_at=RECENT)
    due = selectors.people_due(
        world["manager"].user, world["manager"].organisation, timezone.localdate()
    )
    assert world["jo"] not in due


def test_erasing_a_case_clears_its_risk_marac_and_referral_text(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        services.case_erase(actor=w["manager"].user, case=w["case_alone"], reason="Review")
    assert Assessment.objects.get(pk=w["jo_dash"].pk).answers == {}
    assert MaracReferral.objects.get(pk=w["jo_marac"].pk).reasons == "Erased"
    assert ResearchNote.objects.get(pk=w["jo_research"].pk).text == "Erased"
    assert Referral.objects.get(pk=w["referral"].pk).details == "Erased"
    # the meeting also discussed Kim: its minutes stay (no names given to a case erasure)
    assert "Kim Lowe" in MaracMeeting.objects.get(pk=w["meeting"].pk).minutes
    # Jo is still a person (her record is erased separately); Kim's records are untouched
    assert Person.objects.get(pk=w["jo"].pk).given_name == "Jo"
    assert Assessment.objects.get(pk=w["kim_dash"].pk).answers != {}
    event = AuditEvent.objects.get(action="case.erased")
    assert event.payload["assessments_cleared"] == 1 and event.payload["referrals_cleared"] == 1


def test_the_erase_page_says_what_goes_and_erases_with_a_reason(
    client: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world["manager"].user)
    url = f"/governance/retention/person/{world['jo'].pk}/erase"
    page = client.get(url).content.decode()
    for line in (
        "Risk assessment answers and professional judgement reasons",
        "MARAC referral reasons, research and actions about them",
        "Addresses linked only to records about them",
        "Their names in the notes and history of cases shared with other people",
    ):
        assert line in page
    refused = client.post(url, {"reason": ""})
    assert "govuk-error-summary" in refused.content.decode()
    assert Person.objects.get(pk=world["jo"].pk).erased_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Retention review"})
    assert done.status_code == 302
    assert Person.objects.get(pk=world["jo"].pk).erased_at is not None
    assert Incident.objects.get(pk=world["shared"].pk).narrative == ""


def test_an_erased_assessment_shows_its_grade_and_no_answers(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    erase(world, django_capture_on_commit_callbacks)
    assessment = Assessment.objects.get(pk=world["jo_dash"].pk)
    view = risk_selectors.assessment_detail(
        actor=world["manager"].user, assessment=assessment, purpose="Retention check"
    )
    assert view.erased and view.detail
    assert (view.rows, view.counts, view.proposals, view.rescored) == ((), (), (), None)
    kims = risk_selectors.assessment_detail(
        actor=world["manager"].user,
        assessment=Assessment.objects.get(pk=world["kim_dash"].pk),
        purpose="Supervision",
    )
    assert not kims.erased and len(kims.rows) == 24


def test_the_erased_assessment_page_says_the_answers_were_erased(
    client: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    erase(world, django_capture_on_commit_callbacks)
    client.force_login(world["manager"].user)
    assessment = world["jo_dash"]
    session = client.session
    remember_purpose(session, purpose_scope("case", assessment.case_id), "Retention check")
    session.save()
    page = client.get(f"/risk/assessments/{assessment.pk}/").content.decode()
    assert "were erased at the end of the retention period" in page
    assert "12 yes answers." in page
    assert "Not answered" not in page and "Reasons for raising the grade" not in page


def test_share_reasons_group_text_and_document_names_in_shared_history_lose_the_name(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, organisations: Any
) -> None:
    """Free text the first erasure missed: share reasons (cleared for records about them
    alone, their names taken out elsewhere), the name and description of a group they were
    in, and a document's file name in a shared case's history."""
    from saferhub.sharing.models import RecordShare

    w = world
    PersonGroup.objects.filter(pk=w["group"].pk).update(
        name="Jo Marsh's estate group", description="Jo Marsh and Kim Lowe by the shops"
    )

    def share(record_type: str, record: Any, reason: str) -> RecordShare:
        return RecordShare.objects.create(
            record_type=record_type,
            record_id=record.pk,
            owner_organisation=w["worker"].organisation,
            organisation=organisations["other"],
            legal_basis="cda_1998_s115",
            reason=reason,
            granted_by=w["worker"].user,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )

    about_jo = share("person", w["jo"], "Safeguarding concern: she fears her partner")
    alone = share("case", w["case_alone"], "IDVA support for Jo")
    joint = share("case", w["case_shared"], "Joint work with JOJO marsh and Kim Lowe")
    kims = share("person", w["kim"], "Kim Lowe, friend of Jo Marsh")
    sams = share("case", w["unrelated"], "Noise from Sam Ode's flat")
    named, plain = (
        CaseEvent.objects.create(
            case=w["case_shared"],
            actor=w["worker"].user,
            organisation=w["worker"].organisation,
            description=f"Document added: {name}",
        )
        for name in ("Jo_Marsh-statement.pdf", "joint-letter.pdf")
    )
    CaseDocument.objects.create(
        case=w["case_shared"],
        original_name="Jo_Marsh-statement.pdf",
        content_type="application/pdf",
        size=9,
        sha256="2" * 64,
        uploaded_by=w["worker"].user,
        file=ContentFile(b"%PDF-1.4\n", name="statement.pdf"),
    )
    disclosures = list(AuditEvent.objects.order_by("pk").values_list("pk", "purpose", "hash"))
    reasons_before = dict(RecordShare.objects.values_list("pk", "reason"))

    erase(w, django_capture_on_commit_callbacks)

    reasons = {s.pk: s.reason for s in RecordShare.objects.all()}
    assert reasons[about_jo.pk] == "Erased" and reasons[alone.pk] == "Erased"
    assert reasons[joint.pk] == "Joint work with [erased] and Kim Lowe"
    assert reasons[kims.pk] == "Kim Lowe, friend of [erased]"
    assert reasons[sams.pk] == "Noise from Sam Ode's flat"
    group = PersonGroup.objects.get(pk=w["group"].pk)
    assert (group.name, group.description) == (
        "[erased]'s estate group",
        "[erased] and Kim Lowe by the shops",
    )
    assert list(group.members.all()) == [w["kim"]] and group.version == 2
    named.refresh_from_db()
    plain.refresh_from_db()
    assert named.description == "Document added: [erased]"
    assert plain.description == "Document added: joint-letter.pdf"
    assert set(w["case_shared"].documents.values_list("original_name", flat=True)) == {
        "[erased].pdf",
        "joint-letter.pdf",
    }
    erased = AuditEvent.objects.get(action="person.erased", target_id=str(w["jo"].pk))
    assert erased.payload["groups_redacted"] == 1
    # (the MARAC agenda and referral made derived shares of Jo's records too)
    changed = [pk for pk, reason in reasons.items() if reasons_before[pk] != reason]
    assert erased.payload["share_reasons_cleared"] == len(changed) >= 4
    # the audit trail is never changed
    before = {pk for pk, _, _ in disclosures}
    assert [
        e
        for e in AuditEvent.objects.order_by("pk").values_list("pk", "purpose", "hash")
        if e[0] in before
    ] == disclosures
