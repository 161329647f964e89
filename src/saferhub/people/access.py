"""Who may see and change person records: the owner organisation, and organisations the
record is shared with (sharing.visibility). Hidden and missing look the same (404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.organisations.access import AnyUser
from saferhub.people.models import Person
from saferhub.sharing.visibility import editable, visible

RECORD_TYPE = "person"


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    """Every person record the user may see (never erased or merged-away records)."""
    return visible(
        Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True),
        user=user,
        record_type=RECORD_TYPE,
    )


def access_person(user: AnyUser, person_id: int, *, need: str = "view") -> Person:
    """One person the user may see (need='view') or change (need='edit'), else 404."""
    base = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    queryset = (
        editable(base, user=user, record_type=RECORD_TYPE)
        if need == "edit"
        else people_visible_to(user)
    )
    try:
        return queryset.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No such person") from None
