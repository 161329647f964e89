"""The one visibility rule for owned-and-shared records, as a queryset filter.

Each record app's access.py applies it to its own model, so detail pages, lists, search,
flags and exports all use the same rule.

A shared record is found with `EXISTS (a share of this record to the organisation)`, probed
by the (record_type, record_id) index for each candidate row, rather than `id IN (every
record shared with the organisation)`: under the OR with ownership PostgreSQL cannot turn
the IN into a join, so it hashed every active share of the type (50,000 incident shares at
benchmark scale: tens of milliseconds) on every page that showed a single record.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.sharing.access import active_shares
from saferhub.sharing.models import AccessLevel

M = TypeVar("M", bound=Model)


def visible(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows of `queryset` (a model with owner_organisation) the user may see."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return queryset.none()
    org = membership.organisation_id
    shares = active_shares(record_type=record_type, organisation_id=org)
    return queryset.filter(
        Q(owner_organisation_id=org) | Exists(shares.filter(record_id=OuterRef("pk")))
    )


def editable(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows the user may change: their own organisation's, or shared to contribute."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
        return queryset.none()
    org = membership.organisation_id
    shares = active_shares(record_type=record_type, organisation_id=org).filter(
        access_level=AccessLevel.CONTRIBUTE
    )
    return queryset.filter(
        Q(owner_organisation_id=org) | Exists(shares.filter(record_id=OuterRef("pk")))
    )
