"""Information governance actions, each in one transaction with its audit event.

- subject_access_export: builds the SAR export and audits it as a disclosure with its
  purpose (the export leaves SaferHub).
- person_erase, case_erase, incident_erase: erase a record past its retention period, with
  a reason. Personal data goes (names, contact details, narrative, notes, case history
  lines, documents, which are deleted from storage once the transaction commits); what is
  needed for depersonalised counts stays (a case's type, status, dates and outcome; an incident's category, markers,
  date and place; a person's gender, as an "Erased record" placeholder that people lists
  no longer show). Each erasure is registered (governance.Erasure) and audited as erasure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.models import Case, CaseDocument
from saferhub.governance import rules, selectors
from saferhub.governance.access import require_exporter, require_retention_reviewer
from saferhub.governance.models import Erasure
from saferhub.governance.subject_access import SubjectAccessExport, build_export
from saferhub.incidents.models import Incident
from saferhub.organisations.models import Membership
from saferhub.people.models import Person

EXPORT_FORMATS = ("html", "pdf", "json")


@transaction.atomic
def subject_access_export(
    *, actor: Actor, person: Person, purpose: str, export_format: str
) -> SubjectAccessExport:
    """Everything the actor's organisation holds about the person, audited as a disclosure.

    `person` comes from an access function (the actor may see them). PermissionDenied if
    the actor may not export; ValidationError for a blank purpose or an unknown format.
    """
    membership = require_exporter(actor)
    if not purpose.strip():
        raise ValidationError({"purpose": "Enter why you are exporting this record"})
    if export_format not in EXPORT_FORMATS:
        raise ValidationError({"export_format": "Select a format"})
    export = build_export(
        organisation=membership.organisation,
        person=person,
        generated_by=actor.get_username(),
        purpose=purpose.strip(),
    )
    audit_record(
        actor=actor,
        action="person.subject_access_exported",
        operation=Operation.DISCLOSURE,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=membership.organisation_id,
        subject_id=person.pk,
        purpose=purpose.strip(),
        payload={
            "format": export_format,
            **{section.key: len(section.entries) for section in export.sections},
        },
    )
    return export


def _check_erasure(
    actor: Actor,
    *,
    record_type: str,
    record_id: int,
    due: bool,
    reason: str,
) -> None:
    already = Erasure.objects.filter(record_type=record_type, record_id=record_id).exists()
    problem = rules.erasure_problem(due=due, already_erased=already, reason=reason)
    if problem:
        raise ValidationError({"reason" if "reason" in problem else "__all__": problem})


def _record_erasure(
    actor: Actor,
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    reason: str,
    now: datetime.datetime,
    subject_id: int | str = "",
    payload: dict[str, Any] | None = None,
) -> None:
    """Keep the erasure in the register and write its audit event (`<type>.erased`)."""
    Erasure.objects.create(
        record_type=record_type,
        record_id=record_id,
        owner_organisation_id=owner_id,
        erased_at=now,
        erased_by=actor,  # type: ignore[misc]
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action=f"{record_type}.erased",
        operation=Operation.ERASURE,
        target_type=record_type,
        target_id=record_id,
        record_owner_organisation_id=owner_id,
        subject_id=subject_id,
        purpose=reason.strip(),
        payload=payload,
    )


def _reviewer(actor: Actor) -> Membership:
    return require_retention_reviewer(actor)


def _owned_or_404(owner_organisation_id: int, organisation_id: int) -> None:
    if owner_organisation_id != organisation_id:
        raise Http404("No such record")


@transaction.atomic
def person_erase(*, actor: Actor, person: Person, reason: str) -> Person:
    """Erase a person record past its retention period, keeping an "Erased record"
    placeholder (with gender only) so incident and case counts stay right.

    PermissionDenied unless the actor may review retention; 404 for another
    organisation's person; ValidationError if not yet due, already erased or no reason.
    """
    membership = _reviewer(actor)
    _owned_or_404(person.owner_organisation_id, membership.organisation_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    due = selectors.people_due(actor, membership.organisation, timezone.localdate()).filter(
        pk=person.pk
    )
    _check_erasure(
        actor,
        record_type="person",
        record_id=person.pk,
        due=person.erased_at is None and due.exists(),
        reason=reason,
    )
    now = timezone.now()
    other_names = person.other_names.count()
    person.other_names.all().delete()
    person.groups.clear()
    person.given_name = rules.ERASED_GIVEN_NAME
    person.family_name = rules.ERASED_FAMILY_NAME
    person.date_of_birth = None
    person.approximate_age = None
    for name in (
        "ethnicity",
        "first_language",
        "disability",
        "vulnerabilities",
        "phone",
        "email",
        "address",
        "postcode",
        "safe_contact_instructions",
        "family_norm",
        "family_key",
        "given_key",
    ):
        setattr(person, name, "")
    person.interpreter_needed = False
    person.erased_at = now
    person.version += 1
    person.save()
    _record_erasure(
        actor,
        record_type="person",
        record_id=person.pk,
        owner_id=person.owner_organisation_id,
        reason=reason,
        now=now,
        subject_id=person.pk,
        payload={"other_names_deleted": other_names},
    )
    return person


def _delete_files_after_commit(names: list[str]) -> Callable[[], None]:
    def delete() -> None:
        storage = CaseDocument._meta.get_field("file").storage
        for name in names:
            storage.delete(name)

    return delete


@transaction.atomic
def case_erase(*, actor: Actor, case: Case, reason: str) -> Case:
    """Erase a closed case past its retention period: title, summary, closure notes, notes,
    action descriptions, review notes and documents (deleted from storage after commit) go;
    its type, status, dates, outcome and links (for counts) stay.

    PermissionDenied unless the actor may review retention; 404 for another
    organisation's case; ValidationError if not yet due, already erased or no reason.
    """
    membership = _reviewer(actor)
    _owned_or_404(case.owner_organisation_id, membership.organisation_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    due = selectors.cases_due(actor, membership.organisation, timezone.localdate())
    _check_erasure(
        actor,
        record_type="case",
        record_id=case.pk,
        due=due.filter(pk=case.pk).exists(),
        reason=reason,
    )
    now = timezone.now()
    files = [d.file.name for d in case.documents.all() if d.file.name]
    counts = {
        "notes_deleted": case.notes.count(),
        "documents_deleted": len(files),
        "actions_cleared": case.actions.count(),
    }
    case.notes.all().delete()
    case.documents.all().delete()
    case.actions.update(description=rules.ERASED_TEXT)
    case.reviews.update(notes="")
    case.events.update(description=rules.ERASED_TEXT)  # the history names people
    case.title = rules.ERASED_CASE_TITLE
    case.summary = ""
    case.closure_notes = ""
    case.version += 1
    case.save()
    transaction.on_commit(_delete_files_after_commit(files))
    _record_erasure(
        actor,
        record_type="case",
        record_id=case.pk,
        owner_id=case.owner_organisation_id,
        reason=reason,
        now=now,
        payload=counts,
    )
    return case


@transaction.atomic
def incident_erase(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Erase an incident past its retention period: its narrative and the recording
    agency's reference go; category, markers, date, place and the people's roles stay.

    PermissionDenied unless the actor may review retention; 404 for another
    organisation's incident; ValidationError if not yet due, already erased or no reason.
    """
    membership = _reviewer(actor)
    _owned_or_404(incident.owner_organisation_id, membership.organisation_id)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    due = selectors.incidents_due(actor, membership.organisation, timezone.localdate())
    _check_erasure(
        actor,
        record_type="incident",
        record_id=incident.pk,
        due=due.filter(pk=incident.pk).exists(),
        reason=reason,
    )
    now = timezone.now()
    incident.narrative = ""
    incident.reference = ""
    incident.save(update_fields=["narrative", "reference"])
    _record_erasure(
        actor,
        record_type="incident",
        record_id=incident.pk,
        owner_id=incident.owner_organisation_id,
        reason=reason,
        now=now,
    )
    return incident


ERASERS: dict[str, Callable[..., object]] = {
    "person": person_erase,
    "case": case_erase,
    "incident": incident_erase,
}
