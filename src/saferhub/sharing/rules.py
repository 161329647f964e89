"""Record visibility and sharing policy, the same for every record type.

A member sees a record when their role lets them see personal records and either their
organisation owns it or it holds an active share of it. Putting a case on a MARAC agenda and
sharing a case both work by creating shares (for the case and its linked people, incidents
and places), so there is one mechanism to audit, expire and revoke (ADR 0007).
"""

from __future__ import annotations

import datetime

RECORD_TYPES = ("person", "place", "incident", "case")

DEFAULT_SHARE_DAYS = 365

# A data sharing agreement is reviewed at least every three years (ICO data sharing code):
# no share outlives that without being granted again.
MAX_SHARE_DAYS = 3 * 365


def default_expiry(today: datetime.date) -> datetime.date:
    """Shares last a year unless the granter chooses a shorter time."""
    return today + datetime.timedelta(days=DEFAULT_SHARE_DAYS)


def expiry_problem(expires_on: datetime.date, today: datetime.date) -> str | None:
    """Why a share cannot end on `expires_on`, or None: it must end after today and no more
    than three years from today."""
    if expires_on <= today:
        return "Expiry date must be in the future"
    if expires_on > today + datetime.timedelta(days=MAX_SHARE_DAYS):
        return "Expiry date must be no more than 3 years from today"
    return None


def covers(
    *,
    existing_level: str,
    existing_expires_on: datetime.date,
    wanted_level: str,
    wanted_expires_on: datetime.date,
) -> bool:
    """Whether an active share already gives what a new share would (at least the same
    access for at least as long), so a cascade need not create another."""
    rank = {"view": 0, "contribute": 1}
    return (
        rank.get(existing_level, 0) >= rank.get(wanted_level, 0)
        and existing_expires_on >= wanted_expires_on
    )
