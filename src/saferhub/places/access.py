"""Who may see place records: the owner organisation and organisations it is shared with."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.organisations.access import AnyUser
from saferhub.places.models import Place
from saferhub.sharing.visibility import visible

RECORD_TYPE = "place"


def places_visible_to(user: AnyUser) -> QuerySet[Place]:
    """Every place record the user may see."""
    return visible(Place.objects.all(), user=user, record_type=RECORD_TYPE)


def access_place(user: AnyUser, place_id: int) -> Place:
    """One place the user may see, else 404."""
    try:
        return places_visible_to(user).get(pk=place_id)
    except Place.DoesNotExist:
        raise Http404("No such place") from None
