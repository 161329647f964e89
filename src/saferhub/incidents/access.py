"""Who may see incidents: the recording organisation and organisations it is shared with."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.incidents.models import Incident
from saferhub.organisations.access import AnyUser, has_capability, membership_of
from saferhub.organisations.rules import Capability
from saferhub.sharing.visibility import visible

RECORD_TYPE = "incident"


def incidents_visible_to(user: AnyUser) -> QuerySet[Incident]:
    """Every incident the user may see."""
    return visible(Incident.objects.all(), user=user, record_type=RECORD_TYPE)


def access_incident(user: AnyUser, incident_id: int) -> Incident:
    """One incident the user may see, else 404."""
    try:
        return incidents_visible_to(user).get(pk=incident_id)
    except Incident.DoesNotExist:
        raise Http404("No such incident") from None


def can_record_incidents(user: AnyUser) -> bool:
    """Whether the user may record incidents (the right to record and change records)."""
    return has_capability(user, Capability.EDIT_PERSONAL_RECORDS)


def can_add_people(user: AnyUser, incident: Incident) -> bool:
    """Whether the user may add people to the incident: only the recording organisation
    (incidents.services.incident_add_person)."""
    membership = membership_of(user)
    return (
        membership is not None
        and incident.owner_organisation_id == membership.organisation_id
        and can_record_incidents(user)
    )
