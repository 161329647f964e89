"""The one visibility rule for owned-and-shared records, as a queryset filter.

Each record app's access.py applies it to its own model, so detail pages, lists, search,
flags and exports all use the same rule.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.sharing.access import shared_record_ids

M = TypeVar("M", bound=Model)


def visible(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows of `queryset` (a model with owner_organisation) the user may see."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return queryset.none()
    org = membership.organisation_id
    return queryset.filter(
        Q(owner_organisation_id=org)
        | Q(pk__in=shared_record_ids(record_type=record_type, organisation_id=org))
    )


def editable(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows the user may change: their own organisation's, or shared to contribute."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
        return queryset.none()
    org = membership.organisation_id
    return queryset.filter(
        Q(owner_organisation_id=org)
        | Q(pk__in=shared_record_ids(record_type=record_type, organisation_id=org, contribute=True))
    )
