"""Small builders of synthetic records for the sharing and governance tests (invented names)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from saferhub.cases.models import Case, CaseAction, CaseNote, CasePerson, CaseReview
from saferhub.incidents.models import Incident, Involvement
from saferhub.people.models import Person, PersonName
from saferhub.places.models import Place

_counter = iter(range(1, 1_000_000))


def person(owner: Any, given: str = "Alex", family: str = "Rowe", **fields: Any) -> Person:
    return Person.objects.create(
        owner_organisation=owner.organisation,
        given_name=given,
        family_name=family,
        created_by=owner.user,
        **fields,
    )


def place(owner: Any, **fields: Any) -> Place:
    fields.setdefault("address", "1 Example Street, Brackenford")
    fields.setdefault("postcode", "ZZ1 1ZZ")
    return Place.objects.create(
        owner_organisation=owner.organisation, created_by=owner.user, **fields
    )


def incident(
    owner: Any,
    *,
    people: list[tuple[Person, str]] = (),  # type: ignore[assignment]
    occurred_at: datetime.datetime | None = None,
    category: str = "asb:personal",
    **fields: Any,
) -> Incident:
    item = Incident.objects.create(
        owner_organisation=owner.organisation,
        occurred_at=occurred_at or timezone.now(),
        category=category,
        created_by=owner.user,
        **fields,
    )
    for who, role in people:
        Involvement.objects.create(incident=item, person=who, role=role)
    return item


def case(
    owner: Any,
    *,
    people: list[tuple[Person, str]] = (),  # type: ignore[assignment]
    incidents: list[Incident] = (),  # type: ignore[assignment]
    places: list[Place] = (),  # type: ignore[assignment]
    case_type: str = "asb",
    opened_at: datetime.datetime | None = None,
    **fields: Any,
) -> Case:
    fields.setdefault("title", "Noise nuisance")
    item = Case.objects.create(
        case_type=case_type,
        reference=f"T-{next(_counter)}",
        owner_organisation=owner.organisation,
        lead_officer=owner.user,
        opened_at=opened_at or timezone.now(),
        created_by=owner.user,
        **fields,
    )
    for who, role in people:
        CasePerson.objects.create(case=item, person=who, role=role)
    item.incidents.set(incidents)
    item.places.set(places)
    return item


def note(case_: Case, owner: Any, text: str) -> CaseNote:
    return CaseNote.objects.create(
        case=case_, text=text, author=owner.user, organisation=owner.organisation
    )


def action(case_: Case, owner: Any, description: str, due_on: datetime.date) -> CaseAction:
    return CaseAction.objects.create(
        case=case_,
        description=description,
        owner_organisation=owner.organisation,
        owner=owner.user,
        due_on=due_on,
        created_by=owner.user,
    )


def review(case_: Case, due_on: datetime.date, **fields: Any) -> CaseReview:
    return CaseReview.objects.create(case=case_, due_on=due_on, **fields)


def alias(who: Person, given: str, family: str) -> PersonName:
    return PersonName.objects.create(
        person=who, kind=PersonName.Kind.ALIAS, given_name=given, family_name=family
    )
