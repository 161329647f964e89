"""Changes to person records and groups. Each runs in one transaction, checks who may make
it, and writes its audit event (DPA 2018 s.62 operation, the person as subject) inside it.

Two members editing the same person: `person_update` takes the version the member's form was
opened at and refuses the save if the record has changed since (StaleEditError); nothing is
overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import has_capability, require_capability
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


@transaction.atomic
def group_create(*, actor: Actor, name: str, description: str = "") -> PersonGroup:
    """Create a group of people (for example young people involved in ASB together)."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    if not name.strip():
        raise ValidationError({"name": "Enter a name for the group"})
    group = PersonGroup.objects.create(
        owner_organisation_id=membership.organisation_id,
        name=name.strip(),
        description=description,
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
def group_add_member(*, actor: Actor, group: PersonGroup, person: Person) -> None:
    """Add a person the actor may see to one of their organisation's groups (alteration)."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    if group.owner_organisation_id != membership.organisation_id:
        raise PermissionDenied("not your organisation's group")
    visible = access.access_person(actor, person.pk)
    group.members.add(visible)
    audit_record(
        actor=actor,
        action="group.member_added",
        operation=Operation.ALTERATION,
        target_type="group",
        target_id=group.pk,
        record_owner_organisation_id=group.owner_organisation_id,
        subject_id=visible.pk,
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
    """Whether the actor may approve or reject merge proposals."""
    return has_capability(actor, Capability.SUPERVISE_CASES)
