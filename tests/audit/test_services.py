"""The audit writer and verifier against a real database."""

from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from saferhub.audit.models import AuditEvent
from saferhub.audit.rules import Operation, Outcome
from saferhub.audit.services import audit_record, audit_verify
from saferhub.cli import main

pytestmark = pytest.mark.django_db


def _record(n: int, actor: Any = None) -> list[AuditEvent]:
    return [
        audit_record(
            actor=actor,
            action="test.happened",
            operation=Operation.CONSULTATION,
            target_type="thing",
            target_id=i,
            payload={"i": i},
        )
        for i in range(n)
    ]


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the service's back, as someone with database access might."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET session_replication_role = replica"
            )  # bypass the append-only trigger
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_events_chain_and_record_who_and_what(make_member: Any) -> None:
    member = make_member("caseworker")
    first, second = _record(2, actor=member.user)
    assert second.previous_hash == first.hash
    assert second.actor_username == member.user.username
    assert second.actor_organisation == member.organisation.name
    assert second.actor_organisation_id == member.organisation_id
    assert audit_verify().ok


def test_event_rolls_back_with_the_change_it_records() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(1)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


def test_verify_names_an_altered_event() -> None:
    events = _record(5)
    _tamper(
        "UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["covering tracks", events[2].pk]
    )
    result = audit_verify()
    assert not result.ok
    assert result.first_broken_event_id == events[2].pk
    assert "altered" in result.problem


def test_verify_names_the_event_after_a_removed_one() -> None:
    events = _record(5)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = audit_verify()
    assert result.first_broken_event_id == events[2].pk
    assert "removed" in result.problem


def test_verify_notices_events_removed_from_the_end() -> None:
    events = _record(3)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify()
    assert not result.ok
    assert "end" in result.problem


def test_verify_command_exits_non_zero_and_names_the_event() -> None:
    events = _record(3)
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert "intact" in good.output
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.hidden", events[0].pk])
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1
    assert f"event {events[0].pk}" in bad.output


def test_refusals_are_recorded_with_their_outcome() -> None:
    event = audit_record(
        actor=None,
        username="mallory",
        action="signin.failed",
        operation=Operation.NONE,
        outcome=Outcome.REFUSED,
    )
    assert (
        event.actor_id is None and event.actor_username == "mallory" and event.outcome == "refused"
    )


def test_bad_events_are_refused_before_anything_is_written() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        audit_record(actor=None, action="nonamespace", operation=Operation.NONE)
    with pytest.raises(TypeError):
        audit_record(actor=None, action="x.y", operation=Operation.NONE, payload={"f": 1.5})
    assert AuditEvent.objects.count() == before
