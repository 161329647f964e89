"""Automatic flags for people, places and cases, computed for the member looking.

The rules live in cases.rules (pure, tested branch by branch). This module gathers their
inputs ONLY from records the member may see (incidents_visible_to, cases_visible_to), so a
flag never rests on, names or counts a hidden record. The one deliberate exception is
"known to another agency, contact X": an open case held by an organisation that has not
shared it; only that organisation's name is shown, and showing it is audited as a
disclosure. Flags are computed when an incident or case is saved (the services' callers show
them straight away, at entry) and whenever a page shows them, so they are never stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.cases import extensions, rules
from saferhub.cases.access import cases_visible_to
from saferhub.cases.models import CasePerson, PartnershipFlagRules
from saferhub.cases.rules import Flag, FlagRules, IncidentFact
from saferhub.cases.selectors import MAX_INCIDENTS_PER_PERSON, PersonIncidents, record_url
from saferhub.incidents.access import incidents_visible_to
from saferhub.incidents.models import Incident
from saferhub.incidents.rules import Role
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.people.access import people_visible_to

VICTIM_ROLES = frozenset({Role.VICTIM.value, Role.COMPLAINANT.value})
PERPETRATOR_ROLES = frozenset({Role.PERPETRATOR.value})
OPEN_STATUSES = (rules.Status.OPEN.value, rules.Status.ON_HOLD.value)


@dataclass(frozen=True)
class Cause:
    """A record behind a flag, as the member may see it."""

    label: str
    url: str


@dataclass(frozen=True)
class ShownFlag:
    """A flag ready for a page: label, explanation and the visible records behind it."""

    kind: str
    label: str
    explanation: str
    causes: tuple[Cause, ...]
    about: str = ""  # the other person in an escalation, when the member may see them


@dataclass(frozen=True)
class PersonFlags:
    """A person's flags, and whether the MARAC flag could be checked at all."""

    flags: tuple[ShownFlag, ...]
    marac_available: bool


def flag_rules_for(actor: AnyUser) -> FlagRules:
    """The member's partnership's thresholds (the first partnership of their organisation,
    by name, that set its own: the same choice as the risk settings), else the defaults."""
    membership = membership_of(actor)
    if membership is None:
        return rules.DEFAULT_FLAG_RULES
    row = (
        PartnershipFlagRules.objects.filter(
            partnership__in=membership.organisation.partnerships.all()
        )
        .order_by("partnership__name", "partnership_id")
        .first()
    )
    if row is None:
        return rules.DEFAULT_FLAG_RULES
    return flag_rules_from(row)


def flag_rules_from(row: PartnershipFlagRules) -> FlagRules:
    """A stored row as the rules' FlagRules."""
    return FlagRules(**{f: getattr(row, f) for f in rules.FLAG_RULE_FIELDS})


def _facts(incidents: QuerySet[Incident]) -> list[IncidentFact]:
    return _facts_of(
        list(
            incidents.values_list("pk", "occurred_at", "category", "markers", "place_id").order_by()
        )
    )


def _facts_of(rows: list[tuple[Any, ...]]) -> list[IncidentFact]:
    """(pk, occurred_at, category, markers, place_id) rows as the rules' facts, with every
    person's role in them (one query)."""
    roles: dict[int, tuple[set[int], set[int]]] = {row[0]: (set(), set()) for row in rows}
    if rows:
        for incident_id, person_id, role in Incident.people.through.objects.filter(
            incident_id__in=list(roles)
        ).values_list("incident_id", "person_id", "role"):
            if role in VICTIM_ROLES:
                roles[incident_id][0].add(person_id)
            elif role in PERPETRATOR_ROLES:
                roles[incident_id][1].add(person_id)
    return [
        IncidentFact(
            incident_id=pk,
            occurred_on=timezone.localtime(occurred_at).date(),
            category=category,
            markers=tuple(markers or ()),
            victims=frozenset(roles[pk][0]),
            perpetrators=frozenset(roles[pk][1]),
            place_id=place_id,
        )
        for pk, occurred_at, category, markers, place_id in rows
    ]


def _causes(flags: Iterable[Flag]) -> dict[int, Cause]:
    """The incidents behind these flags (already among those the member may see), in one
    query, as links."""
    ids = {record_id for flag in flags for kind, record_id in flag.causes if kind == "incident"}
    if not ids:
        return {}
    url = record_url("incidents:detail")
    return {
        pk: Cause(str(incident), url(pk))
        for pk, incident in Incident.objects.only("category", "occurred_at").in_bulk(ids).items()
    }


def _shown(flag: Flag, causes: dict[int, Cause], about: str = "") -> ShownFlag:
    return ShownFlag(
        flag.kind.value,
        flag.label,
        flag.explanation,
        tuple(causes[i] for kind, i in flag.causes if kind == "incident" and i in causes),
        about,
    )


def _since(rule_set: FlagRules, today: datetime.date) -> datetime.datetime:
    start = rules.months_before(today, rule_set.longest_window)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


def person_flags(
    *,
    actor: AnyUser,
    person_id: int,
    today: datetime.date | None = None,
    incidents: PersonIncidents | None = None,
) -> PersonFlags:
    """The flags on a person the member may see, from the records the member may see.
    `incidents` is the person's incidents as selectors.person_incidents read them for this
    actor (a person page reads them once for the flags and the timeline)."""
    return people_flags(actor=actor, person_ids=[person_id], today=today, incidents=incidents)[
        person_id
    ]


@transaction.atomic
def people_flags(
    *,
    actor: AnyUser,
    person_ids: Iterable[int],
    today: datetime.date | None = None,
    incidents: PersonIncidents | None = None,
) -> dict[int, PersonFlags]:
    """Flags for several people (a person page, a case's people, the people just linked at
    entry), each from the records the member may see.

    The same queries for one person or many: the thresholds, the people's incident ids,
    the visible incidents among those in the longest window with everyone's roles in them,
    the incidents behind the flags, the other people named by escalations, and the open
    cases held elsewhere; then each registered MARAC source per person, and one audit event
    per person shown as known to another agency. For one person whose incidents were read
    already (`incidents`), their ids and the visible ones are not read again."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    today = today or timezone.localdate()
    rule_set = flag_rules_for(actor)
    since = _since(rule_set, today)
    involved: dict[int, set[int]] = {pid: set() for pid in ids}
    if incidents is not None and ids == [incidents.person_id]:
        involved[incidents.person_id] = set(incidents.roles)
        facts = _facts_of(
            [
                (i.pk, i.occurred_at, i.category, i.markers, i.place_id)
                for i in incidents.visible
                if i.occurred_at >= since
            ]
        )
    else:
        for incident_id, pid in Incident.people.through.objects.filter(
            person_id__in=ids
        ).values_list("incident_id", "person_id")[: MAX_INCIDENTS_PER_PERSON * len(ids)]:
            involved[pid].add(incident_id)
        every_incident = set().union(*involved.values())
        facts = (
            _facts(
                incidents_visible_to(actor).filter(
                    occurred_at__gte=since, pk__in=sorted(every_incident)
                )
            )
            if every_incident
            else []
        )
    found: dict[int, list[Flag]] = {}
    for pid in ids:
        theirs = [f for f in facts if f.incident_id in involved[pid]]
        found[pid] = [
            flag
            for flag in (
                rules.repeat_victim_flag(pid, theirs, rules=rule_set, today=today),
                rules.repeat_perpetrator_flag(pid, theirs, rules=rule_set, today=today),
                *rules.escalation_flags(pid, theirs, rules=rule_set, today=today),
            )
            if flag is not None
        ]
    causes = _causes(flag for flags in found.values() for flag in flags)
    others = {f.person_id for flags in found.values() for f in flags if f.person_id}
    names = (
        {p.pk: p.full_name for p in people_visible_to(actor).filter(pk__in=sorted(others))}
        if others
        else {}
    )
    elsewhere = _known_elsewhere(actor, ids)
    result: dict[int, PersonFlags] = {}
    for pid in ids:
        shown = [_shown(f, causes, names.get(f.person_id or 0, "")) for f in found[pid]]
        marac = rules.marac_flag(
            extensions.marac_referrals(actor, pid), rules=rule_set, today=today
        )
        if marac is not None:
            shown.append(ShownFlag(marac.kind.value, marac.label, marac.explanation, ()))
        if pid in elsewhere:
            shown.append(elsewhere[pid])
        result[pid] = PersonFlags(tuple(shown), extensions.marac_source_registered())
    # The disclosures last, after every read: the audit chain's head stays locked from the
    # first event to the end of this transaction, so other members' pages wait less.
    for pid, flag in elsewhere.items():
        audit_record(
            actor=actor,
            action="flag.known_elsewhere_shown",
            operation=Operation.DISCLOSURE,
            target_type="person",
            target_id=pid,
            subject_id=pid,
            purpose="Automatic flag",
            payload={"explanation": flag.explanation[:300]},
        )
    return result


def _known_elsewhere(actor: AnyUser, person_ids: list[int]) -> dict[int, ShownFlag]:
    """The "known to another agency" flag of each of these people who has one."""
    membership = membership_of(actor)
    if membership is None:
        return {}
    # The people's open cases held elsewhere (a handful), then which of those the member may
    # see: never a NOT IN over every case the member may see.
    links = list(
        CasePerson.objects.filter(person_id__in=person_ids, case__status__in=OPEN_STATUSES)
        .exclude(case__owner_organisation_id=membership.organisation_id)
        .values_list("person_id", "case_id", "case__owner_organisation__name")
    )
    if not links:
        return {}
    visible = set(
        cases_visible_to(actor)
        .filter(pk__in=sorted({case_id for _, case_id, _ in links}))
        .values_list("pk", flat=True)
    )
    shown: dict[int, ShownFlag] = {}
    for pid in person_ids:
        flag = rules.known_elsewhere_flag(
            name
            for person_id, case_id, name in links
            if person_id == pid and case_id not in visible
        )
        if flag is not None:
            shown[pid] = ShownFlag(flag.kind.value, flag.label, flag.explanation, ())
    return shown


@transaction.atomic
def place_flags(
    *, actor: AnyUser, place_id: int, today: datetime.date | None = None
) -> tuple[ShownFlag, ...]:
    """Repeat location, from the incidents at the place the member may see."""
    today = today or timezone.localdate()
    rule_set = flag_rules_for(actor)
    facts = _facts(
        incidents_visible_to(actor).filter(
            place_id=place_id, occurred_at__gte=_since(rule_set, today)
        )
    )
    flag = rules.repeat_location_flag(place_id, facts, rules=rule_set, today=today)
    return (_shown(flag, _causes([flag])),) if flag else ()


def visible_person_ids(actor: AnyUser, person_ids: Iterable[int]) -> list[int]:
    """The ids among `person_ids` the member may see."""
    return list(
        people_visible_to(actor).filter(pk__in=list(person_ids)).values_list("pk", flat=True)
    )


__all__ = [
    "Cause",
    "PersonFlags",
    "ShownFlag",
    "flag_rules_for",
    "flag_rules_from",
    "people_flags",
    "person_flags",
    "place_flags",
    "visible_person_ids",
]
