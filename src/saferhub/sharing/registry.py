"""The record types that can be shared, registered by the apps that know them.

The sharing app sits below the record apps (people, places, incidents, cases), so it cannot
import them. Instead each shareable record type is registered here, at start-up, with two
functions: one that fetches a record through its app's access rule (404 when hidden) and
one that describes a record by id without a check (used only to decide which linked records
a case share cascades to). saferhub.governance.records registers the four core types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import Http404

from saferhub.organisations.access import AnyUser


@dataclass(frozen=True)
class ShareableRecord:
    """What sharing needs to know about one record."""

    record_type: str
    record_id: int
    label: str
    owner_organisation_id: int
    subject_id: str = ""
    url: str = ""
    linked: tuple[tuple[str, int], ...] = field(default=())


@dataclass(frozen=True)
class RecordKind:
    """One shareable record type: how to fetch it for a user and describe it by id."""

    record_type: str
    noun: str
    access: Callable[[AnyUser, int], ShareableRecord]
    describe: Callable[[int], ShareableRecord | None]


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> None:
    """Make a record type shareable (called from an AppConfig.ready)."""
    _KINDS[kind.record_type] = kind


def kind_of(record_type: str) -> RecordKind:
    """The registered record type, or 404 for an unknown one (as for a missing record)."""
    try:
        return _KINDS[record_type]
    except KeyError:
        raise Http404("No such record type") from None


def record_types() -> tuple[str, ...]:
    """The record types registered so far."""
    return tuple(_KINDS)


def access_record(user: AnyUser, record_type: str, record_id: int) -> ShareableRecord:
    """A record the user may see, described for sharing; 404 if hidden or missing."""
    return kind_of(record_type).access(user, record_id)


def describe_record(record_type: str, record_id: int) -> ShareableRecord | None:
    """A record described by id, WITHOUT an access check: for cascading only."""
    kind = _KINDS.get(record_type)
    return kind.describe(record_id) if kind else None
