"""The known-person check against the database: who it finds (by nickname, by a previous
name, by a swapped date of birth), that it never shows a person the member may not see,
and that showing anyone is audited with who was shown."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from saferhub.people import services as people_services
from saferhub.people.selectors import known_person_candidates
from tests.cases import factories as f

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 2, 7)


def check(
    member: Any, given: str, family: str, born: datetime.date | None = None, **kw: Any
) -> list[Any]:
    return known_person_candidates(
        actor=member.user, given_name=given, family_name=family, date_of_birth=born, **kw
    )


def test_a_nickname_and_a_swapped_date_find_the_person_with_reasons(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    existing = f.person(worker, "William", "Fenwick", date_of_birth=BORN)
    f.person(worker, "Priya", "Osei", date_of_birth=datetime.date(1990, 5, 5))

    found = check(worker, "Bill", "Fenwik", datetime.date(1985, 7, 2))

    assert [m.person.pk for m in found] == [existing.pk]
    assert found[0].person.owner_organisation.name == worker.organisation.name
    assert "Bill may be short for William" in found[0].match.reasons
    assert "Date of birth with day and month swapped" in found[0].match.reasons


def test_a_previous_name_finds_the_person(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    existing = f.person(worker, "Joanne", "Bryce", date_of_birth=BORN)
    people_services.person_add_name(
        actor=worker.user, person=existing, kind="previous", family_name="Kettering"
    )

    found = check(worker, "Joanne", "Kettering")

    assert [m.person.pk for m in found] == [existing.pk]
    assert "Matches a previous or maiden name" in found[0].match.reasons


def test_a_person_held_by_another_organisation_is_found_only_when_shared(
    make_member: Any,
) -> None:
    worker = make_member(Role.CASEWORKER)
    police = make_member(Role.CASEWORKER, "other")
    theirs = f.person(police, "Elizabeth", "Jones", date_of_birth=BORN)

    assert check(worker, "Liz", "Jones", BORN) == []
    assert not AuditEvent.objects.filter(action="person.match_checked").exists()

    f.share("person", theirs.pk, police, worker.organisation)
    found = check(worker, "Liz", "Jones", BORN)
    assert [m.person.pk for m in found] == [theirs.pk]
    assert found[0].person.owner_organisation.name == police.organisation.name


def test_erased_merged_and_excluded_people_are_not_offered(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    kept = f.person(worker, "Sam", "Okafor", date_of_birth=BORN)
    excluded = f.person(worker, "Samuel", "Okafor", date_of_birth=BORN)
    gone = f.person(worker, "Sam", "Okafor", date_of_birth=BORN)
    gone.erased_at = gone.created_at
    gone.save(update_fields=["erased_at"])

    found = check(worker, "Sam", "Okafor", BORN, exclude_ids=(excluded.pk,))

    assert [m.person.pk for m in found] == [kept.pk]


def test_showing_people_is_audited_with_who_was_shown(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    first = f.person(worker, "Aisha", "Rahman", date_of_birth=BORN)
    second = f.person(worker, "Aisha", "Rahmann", date_of_birth=BORN)

    found = check(worker, "Aisha", "Rahman", BORN)
    assert check(worker, "Zed", "Quill") == []

    event = AuditEvent.objects.get(action="person.match_checked")
    assert event.actor_id == worker.user.pk
    assert event.purpose == "Recording a person"
    assert sorted(event.payload["shown"]) == sorted(m.person.pk for m in found)
    assert sorted(event.payload["shown"]) == sorted([first.pk, second.pk])
