"""Reads of incidents for pages (audited with the purpose given)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.incidents.access import access_incident
from saferhub.incidents.models import Incident, Involvement
from saferhub.people.access import people_visible_to

Actor = AbstractBaseUser | AnonymousUser


@transaction.atomic
def incident_detail(*, actor: Actor, incident_id: int, purpose: str) -> Incident:
    """One incident for its page (audited as a consultation with its purpose)."""
    incident = access_incident(actor, incident_id)
    first = incident.involvements.order_by("pk").values_list("person_id", flat=True).first()
    audit_record(
        actor=actor,
        action="incident.viewed",
        operation=Operation.CONSULTATION,
        target_type="incident",
        target_id=incident.pk,
        record_owner_organisation_id=incident.owner_organisation_id,
        subject_id=first or "",
        purpose=purpose,
    )
    return incident


def involvements_visible(*, actor: Actor, incident: Incident) -> list[Involvement]:
    """The incident's people the actor may see (others are left out, not counted)."""
    linked = list(incident.involvements.values_list("person_id", flat=True))
    visible_ids = list(people_visible_to(actor).filter(pk__in=linked).values_list("pk", flat=True))
    return list(
        incident.involvements.filter(person_id__in=visible_ids)
        .select_related("person")
        .order_by("role", "person__family_name")
    )
