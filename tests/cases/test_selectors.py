"""Reads behind the person page: the timeline shows only what the member may see, newest
first, in a fixed number of queries however long the person's history is."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferhub.cases import selectors
from saferhub.cases import services as case_services
from saferhub.organisations.rules import Role
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_member: Any) -> dict[str, Any]:
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    person = f.person(worker)
    f.share("person", person.pk, worker, police.organisation)
    return {"worker": worker, "police": police, "person": person}


def test_timeline_shows_only_visible_records_newest_first(people: dict[str, Any]) -> None:
    worker, police, person = people["worker"], people["police"], people["person"]
    own = f.incident(worker, [(person, "victim"), (person, "witness")], days_ago=3)
    hidden = f.incident(police, [(person, "perpetrator")], days_ago=2, narrative="Police only")
    shared = f.incident(police, [(person, "victim")], days_ago=1, category="domestic_abuse")
    f.share("incident", shared.pk, police, worker.organisation)
    case = f.case(worker, [(person, "victim")], title="Noise at home")
    case_services.case_add_note(actor=worker.user, case=case, text="Spoke to the family")
    police_case = f.case(police, [(person, "victim")], title="Police case")
    case_services.case_add_note(actor=police.user, case=police_case, text="Police note")

    entries = selectors.person_timeline(actor=worker.user, person_id=person.pk)

    shown = [(e.kind, e.title, e.url, e.detail) for e in entries]
    assert shown == [
        ("Case note", str(case), f"/cases/{case.pk}/notes", "Spoke to the family"),
        ("Case opened", str(case), f"/cases/{case.pk}/", "Led by Testshire District Council"),
        (
            "Incident",
            shared.get_category_display(),
            f"/incidents/{shared.pk}/",
            "victim; recorded by Testshire Police",
        ),
        (
            "Incident",
            own.get_category_display(),
            f"/incidents/{own.pk}/",
            "victim, witness; recorded by Testshire District Council",
        ),
    ]
    assert all(str(hidden.pk) not in e.url and "Police" not in e.title for e in entries)
    police_view = selectors.person_timeline(actor=police.user, person_id=person.pk)
    assert {e.url for e in police_view} >= {f"/incidents/{hidden.pk}/", f"/cases/{police_case.pk}/"}
    assert f"/cases/{case.pk}/" not in {e.url for e in police_view}


def test_timeline_shows_a_closed_case_and_the_newest_twenty_notes_of_each_case(
    people: dict[str, Any],
) -> None:
    worker, person = people["worker"], people["person"]
    case = f.case(worker, [(person, "victim")])
    for n in range(25):
        case_services.case_add_note(actor=worker.user, case=case, text=f"Note {n} " + "x" * 300)
    case.refresh_from_db()
    case_services.case_close(
        actor=worker.user, case=case, version=case.version, outcome="Behaviour stopped"
    )

    entries = selectors.person_timeline(actor=worker.user, person_id=person.pk)

    notes = [e.detail for e in entries if e.kind == "Case note"]
    assert [n.split()[1] for n in notes] == [str(n) for n in range(24, 4, -1)]
    assert all(len(n) == 200 for n in notes)
    closed = [e for e in entries if e.kind == "Case closed"]
    assert len(closed) == 1 and closed[0].detail == "Behaviour stopped"
    assert entries == sorted(entries, key=lambda e: e.occurred_at, reverse=True)


def test_timeline_queries_do_not_grow_with_the_history(people: dict[str, Any]) -> None:
    worker, person = people["worker"], people["person"]
    f.incident(worker, [(person, "victim")])
    case_services.case_add_note(
        actor=worker.user, case=f.case(worker, [(person, "victim")]), text="First"
    )
    with CaptureQueriesContext(connection) as small:
        selectors.person_timeline(actor=worker.user, person_id=person.pk)
    for n in range(6):
        f.incident(worker, [(person, "victim")], days_ago=n + 2)
        case_services.case_add_note(
            actor=worker.user, case=f.case(worker, [(person, "victim")]), text=f"Note {n}"
        )
    with CaptureQueriesContext(connection) as large:
        entries = selectors.person_timeline(actor=worker.user, person_id=person.pk)
    assert len([e for e in entries if e.kind == "Case opened"]) == 7
    assert len(large.captured_queries) == len(small.captured_queries)


def test_case_people_lists_only_the_people_the_member_may_see(people: dict[str, Any]) -> None:
    worker, police, person = people["worker"], people["police"], people["person"]
    unshared = f.person(worker, "Kim", "Hale", date_of_birth=datetime.date(1990, 3, 4))
    case = f.case(worker, [(unshared, "perpetrator"), (person, "victim")])
    f.share("case", case.pk, worker, police.organisation)

    assert selectors.case_people(actor=worker.user, case=case) == [
        (unshared.pk, "Kim Hale", "perpetrator", "4 March 1990"),
        (person.pk, "Alex Rowe", "victim", ""),
    ]
    assert selectors.case_people(actor=police.user, case=case) == [
        (person.pk, "Alex Rowe", "victim", "")
    ]


def test_a_person_page_lists_only_the_merge_proposals_about_that_person(
    people: dict[str, Any],
) -> None:
    from saferhub.people import selectors as people_selectors
    from saferhub.people import services as people_services

    worker, person = people["worker"], people["person"]
    twin, other, other_twin = (
        f.person(worker, "Alex", "Row"),
        f.person(worker, "Kim", "Hale"),
        f.person(worker, "Kym", "Hale"),
    )
    about_person = people_services.merge_propose(
        actor=worker.user, survivor=person, duplicate=twin, reason="Same date of birth"
    )
    about_other = people_services.merge_propose(
        actor=worker.user, survivor=other, duplicate=other_twin, reason="Same address"
    )

    def shown(person_id: int | None) -> set[int]:
        return {
            p.pk for p in people_selectors.merge_proposals_for(worker.user, person_id=person_id)
        }

    assert shown(person.pk) == shown(twin.pk) == {about_person.pk}
    assert shown(other_twin.pk) == {about_other.pk}
    assert shown(None) == {about_person.pk, about_other.pk}


def test_who_may_change_a_person_or_a_case_with_no_query_for_their_own_records(
    people: dict[str, Any], make_member: Any
) -> None:
    from django.http import Http404
    from django.utils import timezone

    from saferhub.cases.access import can_contribute
    from saferhub.cases.models import Case
    from saferhub.people.access import can_edit_person
    from saferhub.people.models import Person
    from saferhub.sharing.models import AccessLevel

    worker, police, person = people["worker"], people["police"], people["person"]
    analyst = make_member(Role.ANALYST)
    case = f.case(worker, [(person, "victim")])
    police_person = f.person(police, "Kim", "Hale")
    police_case = f.case(police, [(police_person, "victim")])

    with CaptureQueriesContext(connection) as queries:
        assert can_edit_person(worker.user, person)
        assert can_contribute(worker.user, case)
    assert queries.captured_queries == []  # their own organisation's records
    assert not can_edit_person(analyst.user, person)
    assert not can_contribute(analyst.user, case)
    # held elsewhere: a view share is not enough, a contribute share is
    assert not can_edit_person(worker.user, police_person)
    assert not can_contribute(worker.user, police_case)
    f.share("person", police_person.pk, police, worker.organisation)
    f.share("case", police_case.pk, police, worker.organisation, AccessLevel.CONTRIBUTE)
    assert not can_edit_person(worker.user, police_person)
    # the answer is kept on the case object it was asked of: a page's next request reads anew
    assert can_contribute(worker.user, Case.objects.get(pk=police_case.pk))
    # the police may change the person the council shared to view? No.
    assert not can_edit_person(police.user, person)
    # an erased record is changed by no one (the erasure service sets erased_at)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    person.refresh_from_db()
    assert not can_edit_person(worker.user, person)
    # a "checked" record for another id is not trusted: the access check is made again
    with pytest.raises(Http404):
        selectors.case_detail(
            actor=police.user, case_id=case.pk, purpose="Managing this case", checked=police_case
        )


def test_a_checked_record_is_audited_without_being_read_again(people: dict[str, Any]) -> None:
    from saferhub.audit.models import AuditEvent
    from saferhub.people import selectors as people_selectors
    from saferhub.people.access import access_person

    worker, person = people["worker"], people["person"]
    checked = access_person(worker.user, person.pk)
    with CaptureQueriesContext(connection) as queries:
        shown = people_selectors.person_detail(
            actor=worker.user, person_id=person.pk, purpose="Safeguarding concern", checked=checked
        )
    assert shown is checked
    assert not [q for q in queries.captured_queries if 'FROM "people_person"' in q["sql"]]
    event = AuditEvent.objects.filter(action="person.viewed").latest("id")
    assert (event.subject_id, event.purpose) == (str(person.pk), "Safeguarding concern")


def test_case_places_lists_only_the_places_the_member_may_see(people: dict[str, Any]) -> None:
    from saferhub.places import services as place_services

    worker, police, person = people["worker"], people["police"], people["person"]
    council_place = place_services.place_create(
        actor=worker.user, name="1 Market Street", postcode="LE1 1AA"
    )
    police_place = place_services.place_create(
        actor=police.user, name="Police car park", postcode="LE1 2BB"
    )
    f.share("place", police_place.pk, police, worker.organisation)
    case = f.case(worker, [(person, "victim")], places=[council_place, police_place])
    no_places = f.case(worker, [(person, "victim")])
    f.share("case", case.pk, worker, police.organisation)

    assert {p.pk for p in selectors.case_places(actor=worker.user, case=case)} == {
        council_place.pk,
        police_place.pk,
    }
    assert [p.pk for p in selectors.case_places(actor=police.user, case=case)] == [police_place.pk]
    assert selectors.case_places(actor=worker.user, case=no_places) == []
