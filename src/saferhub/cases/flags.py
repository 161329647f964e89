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

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.cases import extensions, rules
from saferhub.cases.access import cases_visible_to
from saferhub.cases.models import CasePerson, PartnershipFlagRules
from saferhub.cases.rules import Flag, FlagRules, IncidentFact
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
    rows = list(
        incidents.values_list("pk", "occurred_at", "category", "markers", "place_id").order_by()
    )
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


def _incident_causes(causes: Iterable[tuple[str, int]]) -> tuple[Cause, ...]:
    ids = [record_id for kind, record_id in causes if kind == "incident"]
    incidents = Incident.objects.in_bulk(ids)
    return tuple(
        Cause(str(incidents[i]), reverse("incidents:detail", args=[i]))
        for i in ids
        if i in incidents
    )


def _shown(flag: Flag, about: str = "") -> ShownFlag:
    return ShownFlag(
        flag.kind.value, flag.label, flag.explanation, _incident_causes(flag.causes), about
    )


def _since(rule_set: FlagRules, today: datetime.date) -> datetime.datetime:
    start = rules.months_before(today, rule_set.longest_window)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


@transaction.atomic
def person_flags(
    *, actor: AnyUser, person_id: int, today: datetime.date | None = None
) -> PersonFlags:
    """The flags on a person the member may see, from the records the member may see."""
    today = today or timezone.localdate()
    rule_set = flag_rules_for(actor)
    involved = list(
        Incident.people.through.objects.filter(person_id=person_id).values_list(
            "incident_id", flat=True
        )[:5000]
    )
    incidents = incidents_visible_to(actor).filter(
        occurred_at__gte=_since(rule_set, today), pk__in=involved
    )
    facts = _facts(incidents)
    shown: list[ShownFlag] = []
    for flag in (
        rules.repeat_victim_flag(person_id, facts, rules=rule_set, today=today),
        rules.repeat_perpetrator_flag(person_id, facts, rules=rule_set, today=today),
    ):
        if flag is not None:
            shown.append(_shown(flag))
    escalations = rules.escalation_flags(person_id, facts, rules=rule_set, today=today)
    if escalations:
        names = {
            p.pk: p.full_name
            for p in people_visible_to(actor).filter(
                pk__in=[f.person_id for f in escalations if f.person_id]
            )
        }
        shown.extend(_shown(f, names.get(f.person_id or 0, "")) for f in escalations)
    marac = rules.marac_flag(
        extensions.marac_referrals(actor, person_id), rules=rule_set, today=today
    )
    if marac is not None:
        shown.append(ShownFlag(marac.kind.value, marac.label, marac.explanation, ()))
    elsewhere = _known_elsewhere(actor, [person_id])
    if elsewhere is not None:
        shown.append(elsewhere)
        audit_record(
            actor=actor,
            action="flag.known_elsewhere_shown",
            operation=Operation.DISCLOSURE,
            target_type="person",
            target_id=person_id,
            subject_id=person_id,
            purpose="Automatic flag",
            payload={"explanation": elsewhere.explanation[:300]},
        )
    return PersonFlags(tuple(shown), extensions.marac_source_registered())


def _known_elsewhere(actor: AnyUser, person_ids: list[int]) -> ShownFlag | None:
    membership = membership_of(actor)
    if membership is None:
        return None
    # The person's open cases held elsewhere (a handful), then which of those the member may
    # see: never a NOT IN over every case the member may see.
    links = list(
        CasePerson.objects.filter(person_id__in=person_ids, case__status__in=OPEN_STATUSES)
        .exclude(case__owner_organisation_id=membership.organisation_id)
        .values_list("case_id", "case__owner_organisation__name")
    )
    if not links:
        return None
    visible = set(
        cases_visible_to(actor)
        .filter(pk__in=[case_id for case_id, _ in links])
        .values_list("pk", flat=True)
    )
    flag = rules.known_elsewhere_flag(name for case_id, name in links if case_id not in visible)
    return ShownFlag(flag.kind.value, flag.label, flag.explanation, ()) if flag else None


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
    return (_shown(flag),) if flag else ()


def people_flags(
    *, actor: AnyUser, person_ids: Iterable[int], today: datetime.date | None = None
) -> dict[int, PersonFlags]:
    """Flags for several people (a case's people, or the people just linked at entry)."""
    return {pid: person_flags(actor=actor, person_id=pid, today=today) for pid in person_ids}


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
