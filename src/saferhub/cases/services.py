"""Every change to a case, and the merge of two person records. Each runs in one transaction,
checks who may make it, writes the case's readable history (CaseEvent) and its audit event
inside it; nothing is saved half-way.

Two members editing the same case: the edits that change the case itself (details, status,
closure) take the version the member's form was opened at and are refused with
StaleEditError if the case has changed since; nothing is overwritten.
"""

from __future__ import annotations

import datetime
import hashlib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.cases import extensions, rules
from saferhub.cases.access import access_case
from saferhub.cases.models import (
    Case,
    CaseAction,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CasePerson,
    CaseReview,
    PartnershipFlagRules,
)
from saferhub.cases.rules import Status
from saferhub.incidents.access import access_incident
from saferhub.incidents.models import Incident, Involvement
from saferhub.organisations.access import membership_of, require_capability
from saferhub.organisations.models import Membership, Partnership
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.people.access import access_person
from saferhub.people.models import MergeProposal, Person, PersonGroup, PersonName
from saferhub.people.services import StaleEditError, check_merge_decider
from saferhub.places.access import access_place
from saferhub.places.models import Place
from saferhub.sharing.models import RecordShare

Actor = AbstractBaseUser | AnonymousUser

__all__ = ["StaleEditError"]

STALE_SETTINGS = "Someone else changed these settings while you were editing"
STALE_CASE = (
    "Someone else changed this case after you opened the page. Your changes have not been "
    "saved: check the latest version of the case and make your changes again."
)


def _member(actor: Actor) -> Membership:
    return require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)


def _event(case: Case, membership: Membership, description: str) -> None:
    CaseEvent.objects.create(
        case=case,
        actor=membership.user,
        organisation_id=membership.organisation_id,
        description=description[:300],
    )


def _audit(
    actor: Actor,
    case: Case,
    action: str,
    operation: Operation,
    *,
    subject_id: int | str = "",
    payload: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        operation=operation,
        target_type="case",
        target_id=case.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        subject_id=subject_id or _main_subject(case),
        payload=payload,
    )


def _main_subject(case: Case) -> int | str:
    first = case.case_people.order_by("pk").values_list("person_id", flat=True).first()
    return first or ""


def _bump(case: Case, version: int, **changes: Any) -> None:
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        **changes, version=F("version") + 1
    )
    if updated == 0:
        raise StaleEditError(STALE_CASE)


def _lead_officer(membership: Membership, lead_officer: AbstractBaseUser | None) -> Any:
    if lead_officer is None:
        return membership.user
    lead = membership_of(lead_officer)
    if lead is None or lead.organisation_id != membership.organisation_id:
        raise ValidationError({"lead_officer": "Select a lead officer from your organisation"})
    return lead_officer


def _schedule_review(case: Case, from_day: datetime.date) -> CaseReview:
    days = rules.review_interval(case.case_type, case.review_interval_days)
    return CaseReview.objects.create(case=case, due_on=rules.next_review_due(from_day, days))


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    case_type: str,
    title: str,
    summary: str = "",
    lead_officer: AbstractBaseUser | None = None,
    people: Sequence[tuple[Person, str]] = (),
    incidents: Sequence[Incident] = (),
    places: Sequence[Place] = (),
) -> Case:
    """Open a case of a configured type, led by the actor's organisation (collection), with
    its first review scheduled from the case type's interval."""
    membership = _member(actor)
    try:
        kind = rules.case_type(case_type)
    except KeyError:
        raise ValidationError({"case_type": "Select the type of case"}) from None
    if not title.strip():
        raise ValidationError({"title": "Enter a title for the case"})
    lead = _lead_officer(membership, lead_officer)
    for _, role in people:
        if role not in kind.people_roles:
            raise ValidationError({"role": "Select the person's role in the case"})
    now = timezone.now()
    case = Case.objects.create(
        case_type=kind.code,
        reference=f"NEW-{now.timestamp()}-{actor.pk}",
        title=title.strip(),
        summary=summary,
        owner_organisation_id=membership.organisation_id,
        lead_officer=lead,
        opened_at=now,
        created_by=membership.user,
    )
    case.reference = f"{kind.reference_prefix}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    for person, role in people:
        CasePerson.objects.create(case=case, person=access_person(actor, person.pk), role=role)
    case.incidents.add(*(access_incident(actor, i.pk) for i in incidents))
    case.places.add(*(access_place(actor, p.pk) for p in places))
    _schedule_review(case, timezone.localdate())
    _event(case, membership, f"Case opened: {kind.label}")
    _audit(
        actor,
        case,
        "case.opened",
        Operation.COLLECTION,
        payload={"case_type": kind.code, "people": [p.pk for p, _ in people]},
    )
    return case


@transaction.atomic
def case_update(
    *,
    actor: Actor,
    case: Case,
    version: int,
    title: str,
    summary: str,
    lead_officer: AbstractBaseUser | None = None,
) -> Case:
    """Change a case's title, summary or lead officer (lead organisation only)."""
    membership = _member(actor)
    own = _own_case(actor, membership, case)
    if not title.strip():
        raise ValidationError({"title": "Enter a title for the case"})
    lead = _lead_officer(membership, lead_officer or own.lead_officer)
    _bump(own, version, title=title.strip(), summary=summary, lead_officer=lead)
    _event(own, membership, "Case details changed")
    _audit(actor, own, "case.updated", Operation.ALTERATION)
    return Case.objects.get(pk=own.pk)


def _own_case(actor: Actor, membership: Membership, case: Case) -> Case:
    """The case, if the actor's organisation leads it (PermissionDenied for contributors)."""
    own = access_case(actor, case.pk, need="edit")
    if own.owner_organisation_id != membership.organisation_id:
        raise PermissionDenied("only the lead organisation changes the case itself")
    return own


@transaction.atomic
def case_change_status(
    *, actor: Actor, case: Case, version: int, status: str, reason: str = ""
) -> Case:
    """Move a case along the workflow (cases.rules.TRANSITIONS); closing goes through
    case_close, which needs an outcome."""
    membership = _member(actor)
    own = _own_case(actor, membership, case)
    if status == Status.CLOSED:
        raise ValidationError({"status": "Close the case from the closure page, with its outcome"})
    if status not in {s.value for s in Status} or not rules.can_move(own.status, status):
        raise ValidationError({"status": "The case cannot move to that status"})
    changes: dict[str, Any] = {"status": status}
    if own.status == Status.CLOSED:
        changes.update(closed_at=None, outcome="", closure_notes="")
    _bump(own, version, **changes)
    if own.status == Status.CLOSED and not own.reviews.filter(completed_at__isnull=True).exists():
        _schedule_review(own, timezone.localdate())
    label = rules.STATUS_LABELS[Status(status)]
    _event(
        own, membership, f"Status changed to {label.lower()}" + (f": {reason}" if reason else "")
    )
    _audit(actor, own, "case.status_changed", Operation.ALTERATION, payload={"status": status})
    return Case.objects.get(pk=own.pk)


@transaction.atomic
def case_close(*, actor: Actor, case: Case, version: int, outcome: str, notes: str = "") -> Case:
    """Close a case with one of its type's outcomes; open reviews are cancelled."""
    membership = _member(actor)
    own = _own_case(actor, membership, case)
    if not rules.can_move(own.status, Status.CLOSED):
        raise ValidationError({"outcome": "This case is already closed"})
    problem = rules.closure_problem(own.case_type, outcome)
    if problem:
        raise ValidationError({"outcome": problem})
    _bump(
        own,
        version,
        status=Status.CLOSED,
        closed_at=timezone.now(),
        outcome=outcome,
        closure_notes=notes,
    )
    own.reviews.filter(completed_at__isnull=True).delete()
    _event(own, membership, f"Case closed: {outcome}")
    _audit(actor, own, "case.closed", Operation.ALTERATION, payload={"outcome": outcome})
    return Case.objects.get(pk=own.pk)


@transaction.atomic
def case_link_person(*, actor: Actor, case: Case, person: Person, role: str) -> CasePerson:
    """Link a person the actor may see to a case they may contribute to, with a role from
    the case type."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    visible = access_person(actor, person.pk)
    if role not in rules.case_type(editable.case_type).people_roles:
        raise ValidationError({"role": "Select the person's role in the case"})
    if editable.case_people.filter(person=visible).exists():
        raise ValidationError({"person": "This person is already linked to the case"})
    link = CasePerson.objects.create(case=editable, person=visible, role=role)
    _event(editable, membership, f"{visible.full_name} linked as {role}")
    _audit(
        actor,
        editable,
        "case.person_linked",
        Operation.ALTERATION,
        subject_id=visible.pk,
        payload={"role": role},
    )
    return link


@transaction.atomic
def case_link_incident(*, actor: Actor, case: Case, incident: Incident) -> None:
    """Link an incident the actor may see to a case they may contribute to."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    visible = access_incident(actor, incident.pk)
    editable.incidents.add(visible)
    _event(editable, membership, f"Incident linked: {visible}")
    _audit(
        actor,
        editable,
        "case.incident_linked",
        Operation.ALTERATION,
        payload={"incident": visible.pk},
    )


@transaction.atomic
def case_link_place(*, actor: Actor, case: Case, place: Place) -> None:
    """Link a place the actor may see to a case they may contribute to."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    visible = access_place(actor, place.pk)
    editable.places.add(visible)
    _event(editable, membership, f"Place linked: {visible}")
    _audit(
        actor, editable, "case.place_linked", Operation.ALTERATION, payload={"place": visible.pk}
    )


@transaction.atomic
def case_add_action(
    *,
    actor: Actor,
    case: Case,
    description: str,
    due_on: datetime.date,
    owner: AbstractBaseUser | None = None,
) -> CaseAction:
    """Give someone in the actor's organisation something to do by a date."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    if not description.strip():
        raise ValidationError({"description": "Enter what needs to be done"})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "Due date must be today or in the future"})
    owner_member = membership_of(owner) if owner is not None else membership
    if owner_member is None or owner_member.organisation_id != membership.organisation_id:
        raise ValidationError({"owner": "Select someone in your organisation"})
    action = CaseAction.objects.create(
        case=editable,
        description=description.strip(),
        owner_organisation_id=membership.organisation_id,
        owner=owner_member.user,
        due_on=due_on,
        created_by=membership.user,
    )
    _event(editable, membership, f"Action added: {action.description}")
    _audit(
        actor, editable, "case.action_added", Operation.ALTERATION, payload={"action": action.pk}
    )
    return action


@transaction.atomic
def case_complete_action(*, actor: Actor, action: CaseAction) -> CaseAction:
    """Mark an action done (by someone in the organisation that owns the action)."""
    membership = _member(actor)
    editable = access_case(actor, action.case_id, need="edit")
    if action.owner_organisation_id != membership.organisation_id:
        raise PermissionDenied("another organisation's action")
    if action.completed_at is not None:
        raise ValidationError({"action": "This action is already complete"})
    action.completed_at = timezone.now()
    action.save(update_fields=["completed_at"])
    _event(editable, membership, f"Action completed: {action.description}")
    _audit(
        actor,
        editable,
        "case.action_completed",
        Operation.ALTERATION,
        payload={"action": action.pk},
    )
    return action


@transaction.atomic
def case_complete_review(*, actor: Actor, review: CaseReview, notes: str) -> CaseReview:
    """Record a review of the case and schedule the next one."""
    membership = _member(actor)
    own = _own_case(actor, membership, review.case)
    if review.completed_at is not None:
        raise ValidationError({"notes": "This review has already been completed"})
    if not notes.strip():
        raise ValidationError({"notes": "Enter what the review found"})
    review.completed_at = timezone.now()
    review.completed_by = membership.user
    review.notes = notes.strip()
    review.save()
    if own.status != Status.CLOSED:
        _schedule_review(own, timezone.localdate())
    _event(own, membership, "Review completed")
    _audit(actor, own, "case.review_completed", Operation.ALTERATION, payload={"review": review.pk})
    return review


@transaction.atomic
def case_set_review_interval(
    *, actor: Actor, case: Case, days: int, reason: str
) -> CaseReview | None:
    """Set how often the case is reviewed (for example from a risk grade: High every 14
    days) and move the next review to match: `days` after the last review, or after the case
    opened. Returns the rescheduled next review (None for a closed case).

    For the risk app: call it inside the assessment's transaction with reason such as
    "ASB risk assessment graded High".
    """
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    if not 1 <= days <= 366:
        raise ValidationError({"days": "Review interval must be between 1 and 366 days"})
    Case.objects.filter(pk=editable.pk).update(
        review_interval_days=days, review_interval_reason=reason[:200]
    )
    editable.review_interval_days = days
    last = editable.reviews.filter(completed_at__isnull=False).order_by("-completed_at").first()
    from_day = (
        timezone.localtime(last.completed_at).date()
        if last and last.completed_at
        else timezone.localtime(editable.opened_at).date()
    )
    next_review = None
    if editable.status != Status.CLOSED:
        next_review = editable.reviews.filter(completed_at__isnull=True).order_by("due_on").first()
        due = rules.next_review_due(from_day, days)
        if next_review is None:
            next_review = CaseReview.objects.create(case=editable, due_on=due)
        else:
            next_review.due_on = due
            next_review.save(update_fields=["due_on"])
    _event(editable, membership, f"Reviews every {days} days: {reason}")
    _audit(
        actor,
        editable,
        "case.review_interval_set",
        Operation.ALTERATION,
        payload={"days": days, "reason": reason[:200]},
    )
    return next_review


@transaction.atomic
def case_add_note(*, actor: Actor, case: Case, text: str) -> CaseNote:
    """Add a note (lead organisation, or an organisation the case is shared with to
    contribute)."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    if not text.strip():
        raise ValidationError({"text": "Enter the note"})
    note = CaseNote.objects.create(
        case=editable,
        text=text.strip(),
        author=membership.user,
        organisation_id=membership.organisation_id,
    )
    _event(editable, membership, "Note added")
    _audit(actor, editable, "case.note_added", Operation.ALTERATION, payload={"note": note.pk})
    return note


def _zip_names(upload: UploadedFile) -> list[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()[:2000]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        upload.seek(0)


@transaction.atomic
def case_add_document(*, actor: Actor, case: Case, upload: UploadedFile) -> CaseDocument:
    """Store an uploaded document outside the web root after checking its real content
    (magic bytes, and the layout of Office files) against its name, and its size."""
    membership = _member(actor)
    editable = access_case(actor, case.pk, need="edit")
    max_bytes = int(getattr(settings, "CASE_DOCUMENT_MAX_BYTES", rules.MAX_DOCUMENT_BYTES))
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    sniffed = rules.sniff_document(head, _zip_names(upload) if head.startswith(b"PK") else ())
    name = (upload.name or "document").rsplit("/", 1)[-1][:255]
    problem = rules.document_problem(name, upload.size or 0, sniffed, max_bytes=max_bytes)
    if problem:
        raise ValidationError({"document": problem})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    extension = name.rsplit(".", 1)[-1].lower()
    document = CaseDocument(
        case=editable,
        original_name=name,
        content_type=rules.DOCUMENT_KINDS[extension][1],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=membership.user,
    )
    document.file.save(f"{digest.hexdigest()[:16]}.{extension}", upload, save=False)
    document.save()
    _event(editable, membership, f"Document added: {name}")
    _audit(
        actor,
        editable,
        "case.document_added",
        Operation.ALTERATION,
        payload={"document": document.pk},
    )
    return document


@transaction.atomic
def person_merge_approve(*, actor: Actor, proposal: MergeProposal, reason: str = "") -> Person:
    """Approve a merge: the duplicate's incident, case and group links and other names move
    to the survivor (the duplicate's names are kept as other names), active shares of the
    duplicate are given to the survivor, and the duplicate is kept, marked merged_into, so
    both histories remain (audited as a combination)."""
    check_merge_decider(actor, proposal)
    membership = require_capability(actor, Capability.SUPERVISE_CASES)
    survivor = access_person(actor, proposal.survivor_id, need="edit")
    duplicate = access_person(actor, proposal.duplicate_id, need="edit")
    for involvement in Involvement.objects.filter(person=duplicate):
        if Involvement.objects.filter(
            incident_id=involvement.incident_id, person=survivor, role=involvement.role
        ).exists():
            involvement.delete()
        else:
            Involvement.objects.filter(pk=involvement.pk).update(person=survivor)
    for link in CasePerson.objects.filter(person=duplicate):
        if CasePerson.objects.filter(case_id=link.case_id, person=survivor).exists():
            link.delete()
        else:
            CasePerson.objects.filter(pk=link.pk).update(person=survivor)
    for group in PersonGroup.objects.filter(members=duplicate):
        group.members.add(survivor)
    PersonName.objects.create(
        person=survivor,
        kind=PersonName.Kind.ALIAS,
        given_name=duplicate.given_name,
        family_name=duplicate.family_name,
        family_key=duplicate.family_key,
        given_key=duplicate.given_key,
    )
    PersonName.objects.filter(person=duplicate).update(person=survivor)
    today = timezone.localdate()
    for share in RecordShare.objects.filter(
        record_type="person", record_id=duplicate.pk, revoked_at__isnull=True, expires_on__gte=today
    ):
        if not RecordShare.objects.filter(
            record_type="person",
            record_id=survivor.pk,
            organisation_id=share.organisation_id,
            revoked_at__isnull=True,
            expires_on__gte=today,
        ).exists():
            share.pk = None
            share.record_id = survivor.pk
            share.save()
    extensions.run_merge_hooks(survivor.pk, duplicate.pk)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor, version=F("version") + 1)
    proposal.status = MergeProposal.Status.APPROVED
    proposal.decided_by = membership.user
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason.strip()
    proposal.save()
    audit_record(
        actor=actor,
        action="person.merged",
        operation=Operation.COMBINATION,
        target_type="person",
        target_id=survivor.pk,
        record_owner_organisation_id=survivor.owner_organisation_id,
        subject_id=survivor.pk,
        payload={"survivor": survivor.pk, "duplicate": duplicate.pk, "proposal": proposal.pk},
    )
    return survivor


def members_for_assignment(actor: Actor) -> list[Any]:
    """Users of the actor's organisation who can own cases and actions."""
    membership = _member(actor)
    return list(
        get_user_model()
        .objects.filter(
            membership__organisation_id=membership.organisation_id,
            membership__is_active=True,
            membership__role__in=[
                r.value for r in Role if role_can(r, Capability.EDIT_PERSONAL_RECORDS)
            ],
        )
        .order_by("first_name", "last_name", "username")
    )


@transaction.atomic
def flag_rules_change(
    *, actor: Actor, partnership: Partnership, values: dict[str, int], version: int
) -> PartnershipFlagRules:
    """Change a partnership's automatic flag thresholds (N incidents within M months).

    Needs ADMINISTER_PARTNERSHIP and membership of an organisation in the partnership
    (PermissionDenied). `values` may name some settings; the rest keep their stored values
    and the whole set is checked (cases.rules.flag_rules_problems: ValidationError by
    field). StaleEditError when someone saved since `version`. Audited with each changed
    setting's old and new value (settings, no personal data). Flags are computed whenever a
    page shows them, so the new values apply to every flag shown from then on.
    """
    membership = require_capability(actor, Capability.ADMINISTER_PARTNERSHIP)
    if not partnership.organisations.filter(pk=membership.organisation_id).exists():
        raise PermissionDenied("not a member of this partnership")
    PartnershipFlagRules.objects.get_or_create(partnership=partnership)
    stored = PartnershipFlagRules.objects.select_for_update().get(partnership=partnership)
    if stored.version != version:
        raise StaleEditError(STALE_SETTINGS)
    merged: dict[str, object] = {f: getattr(stored, f) for f in rules.FLAG_RULE_FIELDS}
    merged.update(values)
    problems = rules.flag_rules_problems(merged)
    if problems:
        raise ValidationError(problems)
    save_setting_changes(
        actor=actor,
        partnership=partnership,
        stored=stored,
        merged=merged,
        fields=rules.FLAG_RULE_FIELDS,
        action="flag_rules.changed",
    )
    return stored


def save_setting_changes(
    *,
    actor: Actor,
    partnership: Partnership,
    stored: Any,
    merged: Mapping[str, object],
    fields: Iterable[str],
    action: str,
) -> None:
    """Save a partnership's settings row with the `merged` values of `fields` (already
    checked), bumping its version and auditing each changed setting's old and new value under
    `action`; nothing is written when no value changed."""
    changed = {
        name: {"old": getattr(stored, name), "new": merged[name]}
        for name in fields
        if merged[name] != getattr(stored, name)
    }
    if not changed:
        return
    for name, change in changed.items():
        setattr(stored, name, change["new"])
    stored.version += 1
    stored.save()
    audit_record(
        actor=actor,
        action=action,
        operation=Operation.NONE,
        target_type="partnership",
        target_id=partnership.pk,
        payload={"changed": changed, "version": stored.version},
    )
