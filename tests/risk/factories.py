"""Synthetic records for the risk, MARAC and referral tests (fictional people only)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from saferhub.cases.models import Case, CasePerson
from saferhub.incidents.models import Incident, Involvement
from saferhub.people.models import Person
from saferhub.places.models import Place

_counter = iter(range(1, 1_000_000))


def person(owner: Any, given: str = "Dana", family: str = "Hollis", **fields: Any) -> Person:
    """A fictional person owned by `owner`'s organisation."""
    return Person.objects.create(
        owner_organisation=owner.organisation,
        given_name=given,
        family_name=family,
        created_by=owner.user,
        **fields,
    )


def case(
    owner: Any, *, case_type: str = "domestic_abuse", people: list[tuple[Person, str]] | None = None
) -> Case:
    """A case led by `owner` with the given (person, role) links."""
    n = next(_counter)
    created = Case.objects.create(
        case_type=case_type,
        reference=f"T-{case_type[:3].upper()}-{n}",
        title="Synthetic test case",
        owner_organisation=owner.organisation,
        lead_officer=owner.user,
        opened_at=timezone.now(),
        created_by=owner.user,
    )
    for linked, role in people or []:
        CasePerson.objects.create(case=created, person=linked, role=role)
    return created


def da_case(owner: Any) -> tuple[Case, Person, Person, Incident, Place]:
    """A domestic abuse case with a victim, a perpetrator, an incident and a place."""
    victim = person(
        owner, "Dana", "Hollis", gender="female", date_of_birth=datetime.date(1990, 5, 4)
    )
    perpetrator = person(owner, "Rory", "Hollis", gender="male")
    place = Place.objects.create(
        owner_organisation=owner.organisation, address="1 Example Road", created_by=owner.user
    )
    incident = Incident.objects.create(
        owner_organisation=owner.organisation,
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        category="domestic_abuse",
        place=place,
        created_by=owner.user,
    )
    Involvement.objects.create(incident=incident, person=victim, role="victim")
    Involvement.objects.create(incident=incident, person=perpetrator, role="perpetrator")
    created = case(owner, people=[(victim, "victim"), (perpetrator, "perpetrator")])
    created.incidents.add(incident)
    created.places.add(place)
    return created, victim, perpetrator, incident, place


def dash_answers(yes: int) -> dict[str, str]:
    """DASH answers with the first `yes` questions answered yes and the rest no."""
    return {f"q{i:02d}": ("yes" if i <= yes else "no") for i in range(1, 25)}


def asb_answers(yes: tuple[str, ...] = ()) -> dict[str, str]:
    """ASB answers: the listed question ids yes, the rest no."""
    return {f"a{i:02d}": ("yes" if f"a{i:02d}" in yes else "no") for i in range(1, 13)}
