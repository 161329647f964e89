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
