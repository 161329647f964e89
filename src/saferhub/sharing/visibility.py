"""The one visibility rule for owned-and-shared records, as a queryset filter.

Each record app's access.py applies it to its own model, so detail pages, lists, search,
flags and exports all use the same rule.

A shared record is found with `EXISTS (a share of this record to the organisation)`, probed
by the (record_type, record_id) index for each candidate row, rather than `id IN (every
record shared with the organisation)`: under the OR with ownership PostgreSQL cannot turn
the IN into a join, so it hashed every active share of the type (50,000 incident shares at
benchmark scale: tens of milliseconds) on every page that showed a single record.

The rule is one SQL expression (`OwnedOrShared`) rather than the same condition written as
`Q(...) | Exists(RecordShare.objects.filter(...))`: every page applies it several times,
and Django building and compiling that subquery cost about 0.7 ms of CPU each time, more
than the rest of a typical query (ADR 0011). What counts as an active share is written once,
in `sharing.access.active_shares`; a test checks the two agree on every kind of share.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.sharing.models import AccessLevel, RecordShare

M = TypeVar("M", bound=Model)


class OwnedOrShared(Expression):
    """True for a row its organisation owns or holds an active share of (to contribute,
    with `access_level`): the `active_shares` condition, as SQL beside the row."""

    output_field = BooleanField()

    def __init__(
        self,
        *,
        record_type: str,
        organisation_id: int,
        today: datetime.date,
        access_level: str | None = None,
    ) -> None:
        super().__init__()
        self.record_type = record_type
        self.organisation_id = organisation_id
        self.today = today
        self.access_level = access_level
        self.owner: Any = F("owner_organisation_id")
        self.record: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.owner, self.record]

    def set_source_expressions(self, exprs: Any) -> None:
        self.owner, self.record = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        owner_sql, owner_params = compiler.compile(self.owner)
        record_sql, record_params = compiler.compile(self.record)
        level = " AND s.access_level = %s" if self.access_level else ""
        table = connection.ops.quote_name(RecordShare._meta.db_table)
        # Table and column names are constants from the models; every value is a parameter.
        sql = (
            f"({owner_sql} = %s OR EXISTS (SELECT 1 FROM {table} s"  # noqa: S608
            f" WHERE s.record_id = {record_sql} AND s.record_type = %s"
            " AND s.organisation_id = %s AND s.revoked_at IS NULL"
            f" AND s.expires_on >= %s{level}))"
        )
        params = [
            *owner_params,
            self.organisation_id,
            *record_params,
            self.record_type,
            self.organisation_id,
            connection.ops.adapt_datefield_value(self.today),
            *([self.access_level] if self.access_level else []),
        ]
        return sql, params


def visible(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows of `queryset` (a model with owner_organisation) the user may see."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS):
        return queryset.none()
    return queryset.filter(
        OwnedOrShared(
            record_type=record_type,
            organisation_id=membership.organisation_id,
            today=timezone.localdate(),
        )
    )


def editable(queryset: QuerySet[M], *, user: AnyUser, record_type: str) -> QuerySet[M]:
    """Rows the user may change: their own organisation's, or shared to contribute."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
        return queryset.none()
    return queryset.filter(
        OwnedOrShared(
            record_type=record_type,
            organisation_id=membership.organisation_id,
            today=timezone.localdate(),
            access_level=AccessLevel.CONTRIBUTE,
        )
    )
