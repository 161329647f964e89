"""Record visibility policy, the same for every record type.

A member sees a record when their role lets them see personal records and either their
organisation owns it or it holds an active share of it. Putting a case on a MARAC agenda and
sharing a case both work by creating shares (for the case and its linked people, incidents
and places), so there is one mechanism to audit, expire and revoke (ADR 0007).
"""

from __future__ import annotations

import datetime

RECORD_TYPES = ("person", "place", "incident", "case")

DEFAULT_SHARE_DAYS = 365


def default_expiry(today: datetime.date) -> datetime.date:
    """Shares last a year unless the granter chooses a shorter time."""
    return today + datetime.timedelta(days=DEFAULT_SHARE_DAYS)
