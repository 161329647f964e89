"""Sign-in throttling policy, without a database.

After `failure_limit` failed attempts for one username within `window`, sign-in for that
username is refused until `lockout` has passed since the last failure. A success clears the
count. The same limit applies per client address, times four, to slow spraying across many
usernames from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures lock an account, within what window, for how long."""

    failure_limit: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    """A past sign-in attempt."""

    at: datetime
    succeeded: bool


def locked_until(
    attempts: Sequence[Attempt], *, now: datetime, policy: LockoutPolicy, limit_factor: int = 1
) -> datetime | None:
    """When sign-in opens again, or None if it is open now.

    Only failures since the last success and within the window count.
    """
    failures: list[datetime] = []
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.succeeded:
            failures.clear()
        else:
            failures.append(attempt.at)
    recent = [at for at in failures if now - at <= policy.window]
    if len(recent) < policy.failure_limit * limit_factor:
        return None
    until = recent[-1] + policy.lockout
    return until if until > now else None
