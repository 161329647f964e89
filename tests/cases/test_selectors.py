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
