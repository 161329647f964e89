"""Who may see and change cases: the lead organisation, and organisations the case is shared
with (a share made directly, or made by putting the case on a MARAC agenda)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.cases.models import Case
from saferhub.organisations.access import AnyUser
from saferhub.sharing.visibility import editable, visible

RECORD_TYPE = "case"


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """Every case the user may see."""
    return visible(Case.objects.all(), user=user, record_type=RECORD_TYPE)


def access_case(user: AnyUser, case_id: int, *, need: str = "view") -> Case:
    """One case the user may see (need='view') or contribute to (need='edit'), else 404."""
    queryset = (
        editable(Case.objects.all(), user=user, record_type=RECORD_TYPE)
        if need == "edit"
        else cases_visible_to(user)
    )
    try:
        return queryset.select_related("owner_organisation", "lead_officer").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
