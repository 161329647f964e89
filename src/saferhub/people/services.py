"""Changes to person records and groups. Each runs in one transaction, checks who may make
it, and writes its audit event (DPA 2018 s.62 operation, the person as subject) inside it.

Two members editing the same person or group: `person_update` and `group_update` take the
version the member's form was opened at and refuse the save if the record has changed since
(StaleEditError); nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people import access, rules
from saferhub.people.matching import normalise_name, phonetic_key, stored_given_key
from saferhub.people.models import MergeProposal, Person, PersonGroup, PersonName

Actor = AbstractBaseUser | AnonymousUser

# Fields a member may set on a person (everything else is kept by the services).
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "approximate_age",
    "gender",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disability",
    "vulnerabilities",
    "phone",
    "email",
    "address",
    "postcode",
    "safe_contact_instructions",
)


class StaleEditError(Exception):
    """Someone else changed the record since the form was opened; nothing was saved."""


def name_keys(given_name: str, family_name: str) -> dict[str, str]:
    """The stored blocking keys for a name (people.matching)."""
    return {
        "family_norm": normalise_name(family_name)[:100],
        "family_key": phonetic_key(family_name),
        "given_key": stored_given_key(given_name),
    }


def _check_dates(fields: dict[str, Any]) -> None:
    problems = {}
    dob_problem = rules.date_of_birth_problem(
        fields.get("date_of_birth"), today=timezone.localdate()
    )
    if dob_problem:
        problems["date_of_birth"] = dob_problem
    age_problem = rules.approximate_age_problem(fields.get("approximate_age"))
    if age_problem:
        problems["approximate_age"] = age_problem
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def person_create(*, actor: Actor, given_name: str, family_name: str, **fields: Any) -> Person:
    """Record a new person, owned by the actor's organisation (collection)."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {', '.join(sorted(unknown))}")
    if not given_name.strip() and not family_name.strip():
        raise ValidationError({"family_name": "Enter a first name or family name"})
    _check_dates(fields)
    person = Person.objects.create(
        owner_organisation_id=membership.organisation_id,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        created_by=membership.user,
        **fields,
        **name_keys(given_name, family_name),
    )
    audit_record(
        actor=actor,
        action="person.created",
        operation=Operation.COLLECTION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, version: int, **changes: Any) -> Person:
    """Change a person's details, if nobody has changed them since `version` (alteration).

    Raises StaleEditError (nothing saved) when the record moved on, PermissionDenied when the
    actor may not edit it.
    """
    editable = access.access_person(actor, person.pk, need="edit")
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {', '.join(sorted(unknown))}")
    _check_dates({**{f: getattr(editable, f) for f in PERSON_FIELDS}, **changes})
    given = changes.get("given_name", editable.given_name)
    family = changes.get("family_name", editable.family_name)
    updated = Person.objects.filter(pk=person.pk, version=version).update(
        **changes, **name_keys(given, family), version=F("version") + 1, updated_at=timezone.now()
    )
    if updated == 0:
        raise StaleEditError(
            "Someone else changed this person's details after you opened the form. "
            "Your changes have not been saved: check the latest details and make your changes again."
        )
    changed = sorted(f for f in changes if changes[f] != getattr(editable, f))
    audit_record(
        actor=actor,
        action="person.updated",
        operation=Operation.ALTERATION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=editable.owner_organisation_id,
        subject_id=person.pk,
        payload={"fields": changed},
    )
    return Person.objects.get(pk=person.pk)


@transaction.atomic
def person_add_name(
    *, actor: Actor, person: Person, kind: str, given_name: str = "", family_name: str = ""
) -> PersonName:
    """Record another name the person is or was known by (alteration)."""
    editable = access.access_person(actor, person.pk, need="edit")
    if not given_name.strip() and not family_name.strip():
        raise ValidationError({"family_name": "Enter a first name or family name"})
    name = PersonName.objects.create(
        person=editable,
        kind=PersonName.Kind(kind),
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        family_key=phonetic_key(family_name),
        given_key=stored_given_key(given_name),
    )
    audit_record(
        actor=actor,
        action="person.name_added",
        operation=Operation.ALTERATION,
        target_type="person",
        target_id=editable.pk,
        record_owner_organisation_id=editable.owner_organisation_id,
        subject_id=editable.pk,
        payload={"kind": name.kind},
    )
    return name


GROUP_NAME_MAX = 200
GROUP_DESCRIPTION_MAX = 2000
STALE_GROUP = (
    "Someone else changed this group after you opened the form. Your changes have not been "
    "saved: check the latest details and make your changes again."
)


def _group_problems(name: str, description: str) -> dict[str, str]:
    problems = {}
    if not name.strip():
        problems["name"] = "Enter a name for the group"
    elif len(name.strip()) > GROUP_NAME_MAX:
        problems["name"] = f"Name must be {GROUP_NAME_MAX} characters or fewer"
    if len(description.strip()) > GROUP_DESCRIPTION_MAX:
        problems["description"] = f"Description must be {GROUP_DESCRIPTION_MAX} characters or fewer"
    return problems


@transaction.atomic
def group_create(*, actor: Actor, name: str, description: str = "") -> PersonGroup:
    """Create a group of people (for example young people involved in ASB together), owned by
    the actor's organisation (collection). ValidationError for a blank or too long name."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    problems = _group_problems(name, description)
    if problems:
        raise ValidationError(problems)
    group = PersonGroup.objects.create(
        owner_organisation_id=membership.organisation_id,
        name=name.strip(),
        description=description.strip(),
    )
    audit_record(
        actor=actor,
        action="group.created",
        operation=Operation.COLLECTION,
        target_type="group",
        target_id=group.pk,
        record_owner_organisation_id=group.owner_organisation_id,
    )
    return group


@transaction.atomic
def group_update(
    *, actor: Actor, group: PersonGroup, version: int, name: str, description: str
) -> PersonGroup:
    """Change a group's name and description, if nobody has changed them since `version`
    (alteration). StaleEditError (nothing saved) when the group moved on; 404 when the actor
    may not change it; ValidationError for a blank or too long name."""
    own = access.access_group(actor, group.pk, need="edit")
    problems = _group_problems(name, description)
    if problems:
        raise ValidationError(problems)
    updated = PersonGroup.objects.filter(pk=own.pk, version=version).update(
        name=name.strip(),
        description=description.strip(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated == 0:
        raise StaleEditError(STALE_GROUP)
    changed = [
        field
        for field, value in (("name", name.strip()), ("description", description.strip()))
        if getattr(own, field) != value
    ]
    audit_record(
        actor=actor,
        action="group.updated",
        operation=Operation.ALTERATION,
        target_type="group",
        target_id=own.pk,
        record_owner_organisation_id=own.owner_organisation_id,
        payload={"fields": changed},
    )
    return PersonGroup.objects.get(pk=own.pk)


@transaction.atomic
def group_add_member(*, actor: Actor, group: PersonGroup, person: Person) -> None:
    """Add a person the actor may see to a group they may change (alteration, the person as
    subject). 404 for a group or person the actor may not use; ValidationError when the
    person is already a member."""
    own = access.access_group(actor, group.pk, need="edit")
    visible = access.access_person(actor, person.pk)
    if own.members.filter(pk=visible.pk).exists():
        raise ValidationError({"person": f"{visible.full_name} is already in this group"})
    own.members.add(visible)
    audit_record(
        actor=actor,
        action="group.member_added",
        operation=Operation.ALTERATION,
        target_type="group",
        target_id=own.pk,
        record_owner_organisation_id=own.owner_organisation_id,
        subject_id=visible.pk,
    )


@transaction.atomic
def group_remove_member(*, actor: Actor, group: PersonGroup, person: Person) -> None:
    """Take a member the actor may see out of a group they may change (alteration, the
    person as subject). A member the actor may not see cannot be removed by them: 404, as
    for someone who is not a member."""
    own = access.access_group(actor, group.pk, need="edit")
    member = access.visible_members(actor, own).filter(pk=person.pk).first()
    if member is None:
        raise Http404("No such member")
    own.members.remove(member)
    audit_record(
        actor=actor,
        action="group.member_removed",
        operation=Operation.ALTERATION,
        target_type="group",
        target_id=own.pk,
        record_owner_organisation_id=own.owner_organisation_id,
        subject_id=member.pk,
    )


@transaction.atomic
def merge_propose(
    *, actor: Actor, survivor: Person, duplicate: Person, reason: str
) -> MergeProposal:
    """Propose that `duplicate` is the same person as `survivor`. Both must be records of the
    actor's organisation; a supervisor approves or rejects the proposal."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": "Choose a different person to merge"})
    for person in (survivor, duplicate):
        visible = access.access_person(actor, person.pk, need="edit")
        if visible.owner_organisation_id != membership.organisation_id:
            raise ValidationError(
                {"duplicate": "You can only merge records your organisation holds"}
            )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why these are the same person"})
    if MergeProposal.objects.filter(
        status=MergeProposal.Status.PROPOSED, duplicate=duplicate, survivor=survivor
    ).exists():
        raise ValidationError({"duplicate": "This merge has already been proposed"})
    proposal = MergeProposal.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        organisation_id=membership.organisation_id,
        reason=reason.strip(),
        proposed_by=membership.user,
    )
    audit_record(
        actor=actor,
        action="person.merge_proposed",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=duplicate.pk,
        record_owner_organisation_id=membership.organisation_id,
        subject_id=survivor.pk,
        payload={"proposal": proposal.pk, "survivor": survivor.pk, "duplicate": duplicate.pk},
    )
    return proposal


def check_merge_decider(actor: Actor, proposal: MergeProposal) -> None:
    """A supervisor of the proposing organisation, other than the proposer, decides."""
    membership = require_capability(actor, Capability.SUPERVISE_CASES)
    if membership.organisation_id != proposal.organisation_id:
        raise PermissionDenied("not your organisation's proposal")
    if proposal.proposed_by_id == actor.pk:
        raise ValidationError({"decision": "Another supervisor must approve your own proposal"})
    if proposal.status != MergeProposal.Status.PROPOSED:
        raise ValidationError({"decision": "This proposal has already been decided"})


@transaction.atomic
def merge_reject(*, actor: Actor, proposal: MergeProposal, reason: str) -> MergeProposal:
    """Reject a merge proposal with a reason (nothing is merged)."""
    check_merge_decider(actor, proposal)
    proposal.status = MergeProposal.Status.REJECTED
    proposal.decided_by_id = actor.pk
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason.strip()
    proposal.save()
    audit_record(
        actor=actor,
        action="person.merge_rejected",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=proposal.duplicate_id,
        record_owner_organisation_id=proposal.organisation_id,
        subject_id=proposal.survivor_id,
        payload={"proposal": proposal.pk},
    )
    return proposal


def may_decide_merges(actor: Actor) -> bool:
    """Whether the actor may approve or reject merge proposals (people.access)."""
    return access.can_decide_merges(actor)
