"""Sign-in throttling policy, every branch, without a database."""

from datetime import UTC, datetime, timedelta

from saferhub.accounts.rules import Attempt, LockoutPolicy, locked_until

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = LockoutPolicy(failure_limit=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10))


def fail(minutes_ago: float) -> Attempt:
    return Attempt(at=NOW - timedelta(minutes=minutes_ago), succeeded=False)


def ok(minutes_ago: float) -> Attempt:
    return Attempt(at=NOW - timedelta(minutes=minutes_ago), succeeded=True)


def test_open_below_the_limit() -> None:
    assert locked_until([fail(3), fail(2)], now=NOW, policy=POLICY) is None


def test_locked_for_the_lockout_after_the_last_failure() -> None:
    assert locked_until([fail(3), fail(2), fail(1)], now=NOW, policy=POLICY) == NOW + timedelta(
        minutes=9
    )


def test_opens_again_once_the_lockout_has_passed() -> None:
    assert locked_until([fail(14), fail(13), fail(12)], now=NOW, policy=POLICY) is None


def test_failures_outside_the_window_do_not_count() -> None:
    assert locked_until([fail(40), fail(30), fail(1)], now=NOW, policy=POLICY) is None


def test_a_success_clears_earlier_failures() -> None:
    assert locked_until([fail(5), fail(4), ok(3), fail(1)], now=NOW, policy=POLICY) is None


def test_order_of_the_records_does_not_matter() -> None:
    assert locked_until([fail(1), ok(3), fail(4), fail(5)], now=NOW, policy=POLICY) is None


def test_per_address_limit_is_a_multiple() -> None:
    attempts = [fail(m) for m in (5, 4, 3)]
    assert locked_until(attempts, now=NOW, policy=POLICY, limit_factor=2) is None
    attempts += [fail(m) for m in (2.5, 2, 1)]
    assert locked_until(attempts, now=NOW, policy=POLICY, limit_factor=2) is not None
