"""The inactivity timeout and the per-request loading of the signed-in member.

A session is renewed by use but written at most once a minute, so an idle session ends
between a minute before and exactly SESSION_IDLE_MINUTES after the last request, never later.
The clock is moved by replacing django.utils.timezone.now, which the session store, the
sign-in middleware and the audit trail all read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


class Clock:
    """A settable clock standing in for django.utils.timezone.now."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, delta: datetime.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    yield fake


def _sign_in(client: Client, username: str) -> None:
    response = client.post("/account/sign-in", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _session_writes(client: Client, path: str = "/account/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return status, len(writes)


def test_use_keeps_the_session_and_thirty_idle_minutes_end_it(
    client: Client, make_member: Any, clock: Clock
) -> None:
    member = make_member(Role.CASEWORKER)
    _sign_in(client, member.user.username)
    for _ in range(4):  # 40 minutes of steady use: well past the timeout from sign-in
        clock.advance(10 * MINUTE)
        assert client.get("/account/").status_code == 200
    clock.advance(29 * MINUTE)
    assert client.get("/account/").status_code == 200
    clock.advance(30 * MINUTE + datetime.timedelta(seconds=1))
    expired = client.get("/account/")
    assert expired.status_code == 302
    assert "expired=1" in expired["Location"]
    assert AuditEvent.objects.filter(action="session.expired").exists()


def test_the_session_is_written_at_most_once_a_minute(
    client: Client, make_member: Any, clock: Clock
) -> None:
    member = make_member(Role.CASEWORKER)
    _sign_in(client, member.user.username)
    assert _session_writes(client) == (200, 1)  # first page after sign-in: renewed
    for _ in range(5):
        clock.advance(datetime.timedelta(seconds=10))
        assert _session_writes(client) == (200, 0)  # within the minute: no write
    clock.advance(datetime.timedelta(seconds=11))  # 61 s since the renewal
    assert _session_writes(client) == (200, 1)


def test_an_idle_session_never_outlives_the_timeout_from_the_last_request(
    client: Client, make_member: Any, clock: Clock
) -> None:
    member = make_member(Role.CASEWORKER)
    _sign_in(client, member.user.username)
    assert _session_writes(client) == (200, 1)  # renewed now: expires in 30 minutes
    clock.advance(datetime.timedelta(seconds=59))
    assert _session_writes(client) == (200, 0)  # the last request, not written
    clock.advance(30 * MINUTE)  # 30 minutes idle after the last request: ended
    response = client.get("/account/")
    assert response.status_code == 302
    assert "expired=1" in response["Location"]


def test_a_session_renewal_in_the_future_is_not_trusted(
    client: Client, make_member: Any, clock: Clock
) -> None:
    member = make_member(Role.CASEWORKER)
    _sign_in(client, member.user.username)
    session = client.session
    session["saferhub_renewed_at"] = int((clock.now + 60 * MINUTE).timestamp())
    session.save()
    assert _session_writes(client) == (200, 1)


def test_the_member_is_loaded_with_one_query_and_changes_apply_on_the_next_page(
    client: Client, make_member: Any, partnership: Any
) -> None:
    member = make_member(Role.CASEWORKER)
    _sign_in(client, member.user.username)
    client.get("/account/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    user_queries = [q for q in sql if 'FROM "accounts_user"' in q]
    assert len(user_queries) == 1
    assert '"organisations_membership"' in user_queries[0]
    assert not [q for q in sql if q.startswith('SELECT "organisations_membership"')]
    assert not [q for q in sql if q.startswith('SELECT "otp_totp_totpdevice"')]

    partnership.require_two_factor = True  # the partnership turns two-factor on
    partnership.save()
    assert client.get("/cases/")["Location"].startswith("/account/two-factor/set-up")

    partnership.require_two_factor = False
    partnership.save()
    assert client.get("/cases/").status_code == 200
    TOTPDevice.objects.create(user=member.user, name="app", confirmed=True)
    assert client.get("/cases/")["Location"].startswith("/account/two-factor?")

    TOTPDevice.objects.filter(user=member.user).delete()
    member.is_active = False  # the administrator deactivates the membership
    member.save()
    assert client.get("/cases/")["Location"] == "/account/sign-in"
    assert "_auth_user_id" not in client.session
