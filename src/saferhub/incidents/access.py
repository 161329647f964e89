"""Who may see incidents: the recording organisation and organisations it is shared with."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.incidents.models import Incident
from saferhub.organisations.access import AnyUser
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
