"""Record visibility and sharing policy, the same for every record type.

A member sees a record when their role lets them see personal records and either their
organisation owns it or it holds an active share of it. Putting a case on a MARAC agenda and
sharing a case both work by creating shares (for the case and its linked people, incidents
and places), so there is one mechanism to audit, expire and revoke (ADR 0007). Shares granted
because of something else (a case on a MARAC agenda, a referral) name that origin and end
with it (ADR 0009).
"""

from __future__ import annotations

import datetime

RECORD_TYPES = ("person", "group", "place", "incident", "case")

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


# What a derived share was granted for (RecordShare.origin_type), as its page shows it.
ORIGIN_LABELS = {
    "marac_agenda_item": "While the case is on a MARAC agenda",
    "referral": "For a referral to their organisation",
}


def origin_label(origin_type: str) -> str:
    """How the sharing pages describe a share's origin ('' for a member's own decision)."""
    if not origin_type:
        return ""
    return ORIGIN_LABELS.get(origin_type, "Granted with another record")
