"""Who may see data loads: members who may load data see every load of their own
organisation; another organisation's load is 404, exactly like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.dataloads.models import DataLoad
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can


def loads_visible_to(user: AnyUser) -> QuerySet[DataLoad]:
    """The loads the user may see: their organisation's, if their role may load data."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.LOAD_DATA):
        return DataLoad.objects.none()
    return DataLoad.objects.filter(organisation_id=membership.organisation_id).select_related(
        "uploaded_by", "organisation"
    )


def access_load(user: AnyUser, load_id: int) -> DataLoad:
    """A load the user may see, or Http404 whether it is hidden or missing."""
    try:
        return loads_visible_to(user).get(pk=load_id)
    except DataLoad.DoesNotExist:
        raise Http404("No such data load") from None
