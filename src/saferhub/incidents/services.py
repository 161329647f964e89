"""Recording incidents and the people involved. Each change runs in one transaction, checks
who may make it and writes its audit event inside it. Nothing is saved half-way: an incident
and its first people are recorded together or not at all."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.incidents import rules
from saferhub.incidents.access import access_incident
from saferhub.incidents.models import Incident, Involvement
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people.access import access_person
from saferhub.people.models import Person
from saferhub.places.access import access_place
from saferhub.places.models import Place

Actor = AbstractBaseUser | AnonymousUser


def _check_role(role: str) -> None:
    if role not in {r.value for r in rules.Role}:
        raise ValidationError({"role": "Select how the person was involved"})


@transaction.atomic
def incident_record(
    *,
    actor: Actor,
    occurred_at: datetime.datetime,
    category: str,
    reference: str = "",
    hate_strand: str = "",
    markers: Sequence[str] = (),
    narrative: str = "",
    place: Place | None = None,
    people: Sequence[tuple[Person, str]] = (),
) -> Incident:
    """Record an incident owned by the actor's organisation, with the people involved
    (collection). Refuses impossible dates: in the future, or before someone's birth."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    problems = rules.classification_problems(category, hate_strand, markers)
    visible_people = [(access_person(actor, p.pk), role) for p, role in people]
    for _, role in visible_people:
        _check_role(role)
    date_problem = rules.occurred_at_problem(
        timezone.localtime(occurred_at).date(),
        today=timezone.localdate(),
        dates_of_birth=[p.date_of_birth for p, _ in visible_people],
    )
    if date_problem:
        problems["occurred_at"] = date_problem
    if problems:
        raise ValidationError(problems)
    incident = Incident.objects.create(
        owner_organisation_id=membership.organisation_id,
        reference=reference.strip(),
        occurred_at=occurred_at,
        category=category,
        hate_strand=hate_strand,
        markers=sorted(set(markers)),
        narrative=narrative,
        place=access_place(actor, place.pk) if place is not None else None,
        created_by=membership.user,
    )
    for person, role in visible_people:
        Involvement.objects.get_or_create(incident=incident, person=person, role=role)
    audit_record(
        actor=actor,
        action="incident.recorded",
        operation=Operation.COLLECTION,
        target_type="incident",
        target_id=incident.pk,
        record_owner_organisation_id=incident.owner_organisation_id,
        subject_id=visible_people[0][0].pk if visible_people else "",
        payload={"people": [p.pk for p, _ in visible_people], "category": category},
    )
    return incident


@transaction.atomic
def incident_add_person(
    *, actor: Actor, incident: Incident, person: Person, role: str
) -> Involvement:
    """Link a person to an incident with their role (alteration). The incident must be one the
    actor may change, the person one they may see, and born before the incident."""
    require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    own = access_incident(actor, incident.pk)
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    if own.owner_organisation_id != membership.organisation_id:
        raise ValidationError({"person": "Only the recording organisation can add people"})
    visible = access_person(actor, person.pk)
    _check_role(role)
    problem = rules.occurred_at_problem(
        timezone.localtime(own.occurred_at).date(),
        today=timezone.localdate(),
        dates_of_birth=[visible.date_of_birth],
    )
    if problem:
        raise ValidationError(
            {"date_of_birth": "Date of birth must be before the date of the incident"}
        )
    involvement, created = Involvement.objects.get_or_create(
        incident=own, person=visible, role=role
    )
    if not created:
        raise ValidationError({"person": "This person is already linked with that role"})
    audit_record(
        actor=actor,
        action="incident.person_added",
        operation=Operation.ALTERATION,
        target_type="incident",
        target_id=own.pk,
        record_owner_organisation_id=own.owner_organisation_id,
        subject_id=visible.pk,
        payload={"role": role},
    )
    return involvement
