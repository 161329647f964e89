"""The one writer of audit events, and the verifier of the chain.

`audit_record` must be called inside the same transaction as the change it records, so the
change and its event commit or roll back together. Reads of personal data call it too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from saferhub.audit.models import AuditChainHead, AuditEvent
from saferhub.audit.rules import (
    GENESIS_HASH,
    Operation,
    Outcome,
    event_hash,
    validate_action,
    validate_payload,
)
from saferhub.core import request_context

Actor = AbstractBaseUser | AnonymousUser


def _actor_fields(actor: Actor | None, username: str) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {
            "actor_id": None,
            "actor_username": username,
            "actor_organisation_id": None,
            "actor_organisation": "",
        }
    membership = getattr(actor, "membership", None)
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_organisation_id": membership.organisation_id if membership else None,
        "actor_organisation": membership.organisation.name if membership else "",
    }


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    operation: Operation,
    outcome: Outcome = Outcome.SUCCEEDED,
    target_type: str = "",
    target_id: str | int = "",
    record_owner_organisation_id: int | None = None,
    subject_id: str | int = "",
    purpose: str = "",
    payload: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail, chained to the one before it.

    `actor` is None for events with no signed-in user (a failed sign-in names the
    `username` tried instead). Raises ValueError for an unnamespaced action or a payload
    that is not small and plain.

    Inside the caller's transaction (no savepoint of its own: if the event cannot be
    written, the change it records cannot commit either); outside one, in its own. The
    chain head stays locked until that transaction ends, so the chain never forks. Two
    statements: lock and read the head, then insert the event and move the head (one
    statement on PostgreSQL).
    """
    validate_action(action)
    payload_dict = dict(payload or {})
    validate_payload(payload_dict)
    context = request_context.current()
    with transaction.atomic(savepoint=False):
        previous_hash = _lock_chain_head()
        event = AuditEvent(
            occurred_at=timezone.now(),  # read under the lock: times follow chain order
            action=action,
            operation=operation.value,
            outcome=outcome.value,
            target_type=target_type,
            target_id=str(target_id),
            record_owner_organisation_id=record_owner_organisation_id,
            subject_id=str(subject_id),
            purpose=purpose,
            payload=payload_dict,
            request_id=context.request_id if context else "",
            ip_address=context.ip_address if context else None,
            previous_hash=previous_hash,
            **_actor_fields(actor, username),
        )
        event.hash = event_hash(event.previous_hash, event.hashed_fields())
        _append(event)
    return event


def _lock_chain_head() -> str:
    """The newest event's hash, with the chain head locked until the transaction ends
    (serialises audit writers; on SQLite the IMMEDIATE transaction already does)."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
        if row is None:  # the very first event in this database
            AuditChainHead.objects.get_or_create(
                pk=1, defaults={"last_event_id": None, "last_hash": GENESIS_HASH}
            )
            cursor.execute(f"SELECT last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
            row = cursor.fetchone()
    return str(row[0])


def _append(event: AuditEvent) -> None:
    """Insert the event and make it the chain head; sets its id."""
    quote = connection.ops.quote_name
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    events = quote(AuditEvent._meta.db_table)
    head = quote(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH appended AS (INSERT INTO {events} ({columns}) VALUES ({placeholders})"  # noqa: S608
                f" RETURNING id) UPDATE {head} SET last_event_id = appended.id, last_hash = %s"
                f" FROM appended WHERE {head}.id = 1 RETURNING appended.id",
                [*values, event.hash],
            )
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(
                f"INSERT INTO {events} ({columns}) VALUES ({placeholders})",  # noqa: S608
                values,
            )
            event.pk = connection.ops.last_insert_id(cursor, AuditEvent._meta.db_table, "id")
            cursor.execute(
                f"UPDATE {head} SET last_event_id = %s, last_hash = %s WHERE id = 1",  # noqa: S608
                [event.pk, event.hash],
            )
    event._state.adding = False
    event._state.db = connection.alias


@dataclass(frozen=True)
class VerificationResult:
    """What `saferhub audit verify` found."""

    events_checked: int
    first_broken_event_id: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.first_broken_event_id is None and not self.problem


def _events_in_order(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].pk


def audit_verify() -> VerificationResult:
    """Recompute every event's hash in order and check each links to the one before.

    Names the first event whose content was changed, or which follows a removed event, and
    notices events removed from the end of the chain.
    """
    previous_hash = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    for event in _events_in_order():
        if event.previous_hash != previous_hash:
            return VerificationResult(
                checked,
                event.pk,
                f"event {event.pk} ({event.action}) does not follow the event before it: "
                "an event was removed or reordered",
            )
        if event_hash(event.previous_hash, event.hashed_fields()) != event.hash:
            return VerificationResult(
                checked,
                event.pk,
                f"event {event.pk} ({event.action}) has been altered since it was written",
            )
        previous_hash = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_event_id != last_id or head.last_hash != previous_hash):
        return VerificationResult(
            checked,
            None,
            f"the chain ends at event {last_id} but event {head.last_event_id} was written "
            "last: events were removed from the end",
        )
    return VerificationResult(checked, None, "")
