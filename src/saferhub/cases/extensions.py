"""Hooks for the apps above cases (risk, MARAC, referrals), which cases cannot import.

They register at start-up (AppConfig.ready):

- `register_marac_referrals(fn)`: fn(actor, person_id) -> [(referral id, referred_on)] of the
  MARAC referrals of that person the actor may see. The "MARAC referral in the last 12
  months" flag reads every registered function; with none registered the flag is reported as
  not available (`marac_source_registered()`).
- `register_timeline(fn)`: fn(actor, person_id) -> [TimelineEntry] for the person page's
  timeline (assessments, referrals...), only entries the actor may see.
- `register_merge_hook(fn)`: fn(survivor_id, duplicate_id) moves the app's links from a
  merged-away person to the survivor, inside the merge's transaction.
- `register_person_action(action)` and `register_case_action(action)`: a link the person or
  case page shows ("Refer to another service", "Complete a DASH checklist"), each with the
  app's own access rule deciding whether this member may use it, so a page never offers an
  action its view would refuse. `person_actions` and `case_actions` give a page the links
  the member may use; `allowed(key, ...)` answers for one action.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saferhub.organisations.access import AnyUser


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event on a person's timeline."""

    occurred_at: datetime.datetime
    kind: str  # "Incident", "Case opened", "DASH assessment"...
    title: str
    url: str = ""
    detail: str = ""


MaracSource = Callable[[AnyUser, int], list[tuple[int, datetime.date]]]
TimelineSource = Callable[[AnyUser, int], list[TimelineEntry]]
MergeHook = Callable[[int, int], None]


@dataclass(frozen=True)
class RecordAction:
    """A link to an action on a person or case, offered only to members who may use it.

    `url` builds the link from the record's id; `allowed(user, record)` is the action's own
    access rule (the same one its view applies)."""

    key: str
    label: str
    url: Callable[[int], str]
    allowed: Callable[[AnyUser, Any], bool]


@dataclass(frozen=True)
class ActionLink:
    """A record action the member may use, ready for a page."""

    key: str
    label: str
    url: str


_person_actions: dict[str, RecordAction] = {}
_case_actions: dict[str, RecordAction] = {}
_marac_sources: list[MaracSource] = []
_timeline_sources: list[TimelineSource] = []
_merge_hooks: list[MergeHook] = []


def register_marac_referrals(source: MaracSource) -> None:
    """Give the flags a person's visible MARAC referrals (part B's marac app)."""
    if source not in _marac_sources:
        _marac_sources.append(source)


def register_timeline(source: TimelineSource) -> None:
    """Add entries to the person page's timeline."""
    if source not in _timeline_sources:
        _timeline_sources.append(source)


def register_merge_hook(hook: MergeHook) -> None:
    """Move an app's links when two person records are merged."""
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)


def marac_source_registered() -> bool:
    """Whether any app provides MARAC referrals (else that flag is not available)."""
    return bool(_marac_sources)


def marac_referrals(actor: AnyUser, person_id: int) -> list[tuple[int, datetime.date]]:
    """Every registered source's visible MARAC referrals of the person."""
    return [r for source in _marac_sources for r in source(actor, person_id)]


def timeline_entries(actor: AnyUser, person_id: int) -> list[TimelineEntry]:
    """Every registered source's timeline entries for the person."""
    return [e for source in _timeline_sources for e in source(actor, person_id)]


def run_merge_hooks(survivor_id: int, duplicate_id: int) -> None:
    """Let every app move its links to the survivor."""
    for hook in _merge_hooks:
        hook(survivor_id, duplicate_id)


def register_person_action(action: RecordAction) -> None:
    """Offer an action on the person page (registered once per key)."""
    _person_actions.setdefault(action.key, action)


def register_case_action(action: RecordAction) -> None:
    """Offer an action on the case page (registered once per key)."""
    _case_actions.setdefault(action.key, action)


def _links(actions: dict[str, RecordAction], user: AnyUser, record: Any) -> list[ActionLink]:
    return [
        ActionLink(a.key, a.label, a.url(record.pk))
        for a in actions.values()
        if a.allowed(user, record)
    ]


def person_actions(user: AnyUser, person: Any) -> list[ActionLink]:
    """The registered person actions this member may use on this person."""
    return _links(_person_actions, user, person)


def case_actions(user: AnyUser, case: Any) -> list[ActionLink]:
    """The registered case actions this member may use on this case."""
    return _links(_case_actions, user, case)


def person_action_allowed(key: str, user: AnyUser, person: Any) -> bool:
    """Whether this member may use one registered person action (False when no installed
    app offers it)."""
    action = _person_actions.get(key)
    return action is not None and action.allowed(user, person)
