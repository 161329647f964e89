"""On PostgreSQL the database itself refuses to change or delete audit events."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL behaviour: runs in the PostgreSQL pass of `make test`")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_update_and_delete_are_refused(sql: str) -> None:
    event = audit_record(actor=None, action="test.happened", operation=Operation.NONE)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    """Writers on separate connections, some inside longer transactions and some rolled
    back, still produce one chain that verifies, with exactly the committed events."""
    import threading

    from django.db import connections

    from saferhub.audit.models import AuditEvent
    from saferhub.audit.services import audit_verify

    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(index: int) -> None:
        try:
            start.wait()
            for n in range(each):
                if n % 5 == 4:  # a change that fails: its event must vanish with it
                    try:
                        with transaction.atomic():
                            audit_record(
                                actor=None, action="test.rolled_back", operation=Operation.NONE
                            )
                            raise RuntimeError("the change failed")
                    except RuntimeError:
                        pass
                    continue
                with transaction.atomic():  # a change that also writes other rows
                    audit_record(
                        actor=None,
                        action="test.happened",
                        operation=Operation.NONE,
                        payload={"writer": index, "n": n},
                    )
                    audit_record(actor=None, action="test.second", operation=Operation.NONE)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    committed = writers * (each - each // 5)
    assert AuditEvent.objects.filter(action="test.happened").count() == committed
    assert AuditEvent.objects.filter(action="test.second").count() == committed
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    result = audit_verify()
    assert result.ok, result.problem
    assert result.events_checked == AuditEvent.objects.count()
