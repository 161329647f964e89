"""Reads of person records for pages: every read of personal data is audited with its
purpose (DPA 2018 s.62 consultation), inside the same transaction as the read.

`known_person_candidates` is the known-person check: candidates are fetched by indexed
blocking keys (Soundex of the family and first names, date of birth and its day/month swap,
and the same keys on other names), only among people the member may see, then scored by
people.matching. It never scans every person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people.access import (
    access_group,
    access_person,
    groups_editable_by,
    groups_visible_to,
    people_visible_to,
    visible_members,
)
from saferhub.people.matching import (
    Candidate,
    Entered,
    Match,
    NameRecord,
    after_prefix,
    best_matches,
    dates_to_block_on,
    given_keys,
    normalise_name,
    phonetic_key,
)
from saferhub.people.models import MergeProposal, Person, PersonGroup, PersonName

Actor = AbstractBaseUser | AnonymousUser

MAX_BLOCK = 200  # candidates scored at most per check
SEARCH_PURPOSE = "Searching for records"
PAGE_SIZE = 20


@dataclass(frozen=True)
class PossibleMatch:
    """An existing person who may be the one being entered."""

    person: Person
    match: Match


def _candidate_blocks(entered: Entered) -> list[Q]:
    """One indexed look-up per blocking key (each uses its own index; an OR of them would
    let the planner fall back to scanning every person)."""
    family_key = phonetic_key(entered.family_name)
    keys = given_keys(entered.given_name)
    dates = dates_to_block_on(entered.date_of_birth)
    blocks: list[Q] = []
    if family_key and keys:
        blocks.append(Q(family_key=family_key, given_key__in=keys))
        other_names = PersonName.objects.filter(
            family_key=family_key, given_key__in=[*keys, ""]
        ).values("person_id")[:MAX_BLOCK]
        blocks.append(Q(pk__in=other_names))
    elif family_key:
        blocks.append(Q(family_key=family_key))
    if dates:
        blocks.append(Q(date_of_birth__in=dates))
    return blocks


def _candidates(actor: Actor, blocks: list[Q], exclude_ids: tuple[int, ...]) -> list[Candidate]:
    """The people in the blocks whom the actor may see, with their other names, as plain
    values: a check may score hundreds, and only the few shown are loaded as records."""
    visible = people_visible_to(actor).exclude(pk__in=exclude_ids).order_by()
    rows: dict[int, tuple[int, str, str, datetime.date | None]] = {}
    for block in blocks:
        for row in visible.filter(block).values_list(
            "pk", "given_name", "family_name", "date_of_birth"
        )[:MAX_BLOCK]:
            rows.setdefault(row[0], row)
    kept = sorted(rows)[: MAX_BLOCK * 2]
    other_names: dict[int, list[NameRecord]] = {}
    for person_id, given, family, kind in PersonName.objects.filter(person_id__in=kept).values_list(
        "person_id", "given_name", "family_name", "kind"
    ):
        other_names.setdefault(person_id, []).append(NameRecord(given, family, kind))
    return [
        Candidate(
            pk,
            (NameRecord(rows[pk][1], rows[pk][2]), *other_names.get(pk, ())),
            rows[pk][3],
        )
        for pk in kept
    ]


def known_person_candidates(
    *,
    actor: Actor,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date | None = None,
    exclude_ids: tuple[int, ...] = (),
    purpose: str = "Recording a person",
) -> list[PossibleMatch]:
    """People the actor may see who may be the person being entered, best first.

    Candidates are scored from their names and dates of birth alone; the records of the
    people shown are then read, with the audit event (a consultation: the names shown are
    personal data), in one transaction. A check that shows no one writes nothing.
    """
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    entered = Entered(given_name, family_name, date_of_birth)
    blocks = _candidate_blocks(entered)
    if not blocks:
        return []
    matches = best_matches(entered, _candidates(actor, blocks, exclude_ids))
    if not matches:
        return []
    with transaction.atomic():
        # Read again through the access rule: a share may have ended since the scoring.
        people = (
            people_visible_to(actor)
            .select_related("owner_organisation")
            .in_bulk([m.person_id for m in matches])
        )
        shown = [PossibleMatch(people[m.person_id], m) for m in matches if m.person_id in people]
        if shown:
            audit_record(
                actor=actor,
                action="person.match_checked",
                operation=Operation.CONSULTATION,
                target_type="person",
                purpose=purpose,
                payload={"shown": [p.person.pk for p in shown]},
            )
    return shown


@transaction.atomic
def person_detail(
    *, actor: Actor, person_id: int, purpose: str, checked: Person | None = None
) -> Person:
    """One person's record for their page (audited as a consultation with its purpose).

    `checked` is the record as access_person(actor, person_id) returned it earlier in the
    same request (the page checks access before asking the purpose), so it is not read
    twice; without it the access check is made here."""
    person = (
        checked
        if checked is not None and checked.pk == person_id
        else access_person(actor, person_id)
    )
    audit_record(
        actor=actor,
        action="person.viewed",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
        purpose=purpose,
    )
    return person


@transaction.atomic
def people_search(*, actor: Actor, text: str, page: int | str | None = 1) -> Page[Person]:
    """People the actor may see whose family name starts with the text's last word (and,
    when two words are given, whose first name sounds like the first), A to Z. Audited."""
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    words = text.split()
    queryset = people_visible_to(actor).select_related("owner_organisation")
    if not words:
        queryset = queryset.none()
    else:
        family = normalise_name(words[-1])
        if family:
            # The range as well as the prefix: without it PostgreSQL may walk the whole
            # name index in order looking for a page of matches (0.8 s on 1 million people).
            upper = after_prefix(family)
            queryset = queryset.filter(family_norm__startswith=family, family_norm__gte=family)
            queryset = queryset.filter(family_norm__lt=upper) if upper else queryset
        else:
            queryset = queryset.none()
        if len(words) > 1:
            keys = given_keys(words[0])
            queryset = queryset.filter(given_key__in=keys) if keys else queryset
    queryset = queryset.order_by("family_norm", "given_name", "pk")
    result = Paginator(queryset, PAGE_SIZE).get_page(page)
    if words:
        audit_record(
            actor=actor,
            action="person.searched",
            operation=Operation.CONSULTATION,
            target_type="person",
            purpose=SEARCH_PURPOSE,
            payload={"shown": [p.pk for p in result.object_list]},
        )
    return result


def merge_proposals_for(actor: Actor, *, person_id: int | None = None) -> list[MergeProposal]:
    """Open merge proposals of the actor's organisation (for supervisors' task lists), or
    only those about one person (survivor or duplicate: for the person's page)."""
    membership = require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    proposals = MergeProposal.objects.filter(
        organisation_id=membership.organisation_id, status=MergeProposal.Status.PROPOSED
    )
    if person_id is not None:
        # The few ids first (usually none): the full rows only when there are some.
        ids = list(
            proposals.filter(Q(survivor_id=person_id) | Q(duplicate_id=person_id)).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            return []
        proposals = MergeProposal.objects.filter(pk__in=ids)
    return list(proposals.select_related("survivor", "duplicate", "proposed_by"))


# --- Groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    """A group as the member may see it: only the members they may see (a hidden member is
    neither listed nor counted)."""

    group: PersonGroup
    members: list[Person]


@transaction.atomic
def group_detail(*, actor: Actor, group_id: int, purpose: str) -> GroupView:
    """One group for its page, with the members the actor may see, A to Z.

    Audited as a consultation with its purpose: one event per member shown, whose subject
    is that member and whose record owner is the organisation owning the member's person
    record (the page shows that record's name and date of birth), so the member's page of
    who has viewed their records lists the group view; one event without a subject when no
    member is shown. Together the events name every member shown (a large group's ids would
    not fit one small payload); each counts them and names the group's owner."""
    group = access_group(actor, group_id)
    members = list(
        visible_members(actor, group)
        .select_related("owner_organisation")
        .order_by("family_name", "given_name", "pk")
    )
    subjects: list[Person | None] = list(members) or [None]
    for subject in subjects:
        audit_record(
            actor=actor,
            action="group.viewed",
            operation=Operation.CONSULTATION,
            target_type="group",
            target_id=group.pk,
            record_owner_organisation_id=(
                subject.owner_organisation_id if subject else group.owner_organisation_id
            ),
            subject_id=subject.pk if subject else "",
            purpose=purpose,
            payload={
                "members_shown": len(members),
                "group_owner_organisation_id": group.owner_organisation_id,
            },
        )
    return GroupView(group, members)


def groups_page(*, actor: Actor, page: int | str | None = 1) -> Page[PersonGroup]:
    """The groups the actor may see, A to Z (names only: no member is shown)."""
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    queryset = groups_visible_to(actor).select_related("owner_organisation")
    return Paginator(queryset.order_by("name", "pk"), PAGE_SIZE).get_page(page)


@transaction.atomic
def groups_search(*, actor: Actor, text: str, page: int | str | None = 1) -> Page[PersonGroup]:
    """Groups the actor may see whose name or description contains the text, A to Z.
    Audited when it searches (a group's name can say who is in it)."""
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    text = text.strip()
    queryset = groups_visible_to(actor).select_related("owner_organisation")
    if not text:
        queryset = queryset.none()
    else:
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    result = Paginator(queryset.order_by("name", "pk"), PAGE_SIZE).get_page(page)
    if text:
        audit_record(
            actor=actor,
            action="group.searched",
            operation=Operation.CONSULTATION,
            target_type="group",
            purpose=SEARCH_PURPOSE,
            payload={"shown": [g.pk for g in result.object_list]},
        )
    return result


def groups_of_person(*, actor: Actor, person: Person) -> list[PersonGroup]:
    """The groups the person is in that the actor may see (for the person page, which
    audits the view of the person itself). The person's few group ids first, then the
    visibility rule on those (most people are in none)."""
    ids = list(
        PersonGroup.members.through.objects.filter(person_id=person.pk).values_list(
            "persongroup_id", flat=True
        )[:500]
    )
    if not ids:
        return []
    return list(
        groups_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("owner_organisation")
        .order_by("name", "pk")
    )


def groups_to_add_to(*, actor: Actor, person: Person) -> list[PersonGroup]:
    """Groups the actor may change that the person is not in yet (at most 200)."""
    return list(groups_editable_by(actor).exclude(members=person).order_by("name", "pk")[:200])
