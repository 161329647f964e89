"""The core record types (person, group, place, incident, case) described for sharing.

saferhub.sharing cannot import the record apps (it sits below them), so this module, which
sits above them, registers each type with sharing.registry: how to fetch a record through
its app's access rule (404 when hidden), and how to describe one by id for a case share's
cascade to its linked people, incidents and places.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from saferhub.cases.access import access_case
from saferhub.cases.models import Case
from saferhub.incidents.access import access_incident
from saferhub.incidents.models import Incident
from saferhub.organisations.access import AnyUser
from saferhub.people.access import access_group, access_person
from saferhub.people.models import Person, PersonGroup
from saferhub.places.access import access_place
from saferhub.places.models import Place
from saferhub.sharing.registry import RecordKind, ShareableRecord, register

# The record pages (built by the case management app) by record type.
RECORD_URL_NAMES = {
    "person": "people:detail",
    "group": "groups:detail",
    "place": "places:detail",
    "incident": "incidents:detail",
    "case": "cases:detail",
}


def record_url(record_type: str, record_id: int) -> str:
    """The record's own page, or "" if that page does not exist (yet)."""
    try:
        return reverse(RECORD_URL_NAMES[record_type], args=[record_id])
    except (NoReverseMatch, KeyError):
        return ""


def describe_person(person: Person) -> ShareableRecord:
    """A person for sharing: the audit subject is the person."""
    return ShareableRecord(
        record_type="person",
        record_id=person.pk,
        label=person.full_name,
        owner_organisation_id=person.owner_organisation_id,
        subject_id=str(person.pk),
        url=record_url("person", person.pk),
    )


def describe_group(group: PersonGroup) -> ShareableRecord:
    """A group for sharing. A group share opens the group (its name, description and
    membership) but not its members' records: the receiving organisation sees only the
    members it may already see (people.access.visible_members), so nothing cascades."""
    return ShareableRecord(
        record_type="group",
        record_id=group.pk,
        label=group.name,
        owner_organisation_id=group.owner_organisation_id,
        url=record_url("group", group.pk),
    )


def describe_place(place: Place) -> ShareableRecord:
    """A place for sharing."""
    return ShareableRecord(
        record_type="place",
        record_id=place.pk,
        label=str(place) or f"Place {place.pk}",
        owner_organisation_id=place.owner_organisation_id,
        url=record_url("place", place.pk),
    )


def describe_incident(incident: Incident) -> ShareableRecord:
    """An incident for sharing."""
    label = str(incident) + (f" ({incident.reference})" if incident.reference else "")
    return ShareableRecord(
        record_type="incident",
        record_id=incident.pk,
        label=label,
        owner_organisation_id=incident.owner_organisation_id,
        url=record_url("incident", incident.pk),
    )


def describe_case(case: Case) -> ShareableRecord:
    """A case for sharing, with the linked records a case share cascades to."""
    linked: list[tuple[str, int]] = []
    linked += [("person", pk) for pk in case.case_people.values_list("person_id", flat=True)]
    linked += [("incident", pk) for pk in case.incidents.values_list("pk", flat=True)]
    linked += [("place", pk) for pk in case.places.values_list("pk", flat=True)]
    return ShareableRecord(
        record_type="case",
        record_id=case.pk,
        label=str(case),
        owner_organisation_id=case.owner_organisation_id,
        url=record_url("case", case.pk),
        linked=tuple(linked),
    )


def _person(user: AnyUser, pk: int) -> ShareableRecord:
    return describe_person(access_person(user, pk))


def _group(user: AnyUser, pk: int) -> ShareableRecord:
    return describe_group(access_group(user, pk))


def _place(user: AnyUser, pk: int) -> ShareableRecord:
    return describe_place(access_place(user, pk))


def _incident(user: AnyUser, pk: int) -> ShareableRecord:
    return describe_incident(access_incident(user, pk))


def _case(user: AnyUser, pk: int) -> ShareableRecord:
    return describe_case(access_case(user, pk))


def _by_id_person(pk: int) -> ShareableRecord | None:
    person = Person.objects.filter(pk=pk, erased_at__isnull=True).first()
    return describe_person(person) if person else None


def _by_id_group(pk: int) -> ShareableRecord | None:
    group = PersonGroup.objects.filter(pk=pk).first()
    return describe_group(group) if group else None


def _by_id_place(pk: int) -> ShareableRecord | None:
    place = Place.objects.filter(pk=pk).first()
    return describe_place(place) if place else None


def _by_id_incident(pk: int) -> ShareableRecord | None:
    incident = Incident.objects.filter(pk=pk).first()
    return describe_incident(incident) if incident else None


def _by_id_case(pk: int) -> ShareableRecord | None:
    case = Case.objects.filter(pk=pk).first()
    return describe_case(case) if case else None


def register_core_record_types() -> None:
    """Register person, group, place, incident and case with sharing.registry."""
    register(RecordKind("person", "person", _person, _by_id_person))
    register(RecordKind("group", "group", _group, _by_id_group))
    register(RecordKind("place", "place", _place, _by_id_place))
    register(RecordKind("incident", "incident", _incident, _by_id_incident))
    register(RecordKind("case", "case", _case, _by_id_case))
