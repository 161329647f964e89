"""Information governance actions, each in one transaction with its audit event.

- subject_access_export: builds the SAR export and audits it as a disclosure with its
  purpose (the export leaves SaferHub).
- person_erase, case_erase, incident_erase: erase a record past its retention period, with
  a reason. Personal data goes from every record about it (names, contact details,
  narratives, notes, case history lines, risk answers, MARAC and referral text, addresses
  only about the person, documents, which are deleted from storage once the transaction
  commits); what depersonalised counts need stays (a case's type, status, dates and
  outcome; an incident's category, markers, date and place; a MARAC referral's data form
  figures; a place's LSOA, ward and district; a person's gender, as an "Erased record"
  placeholder that people lists no longer show). Records shared with other people keep
  their part (ADR 0008, "Erasure"). Each erasure is registered (governance.Erasure) and
  audited as erasure, in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.models import (
    Case,
    CaseAction,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CasePerson,
    CaseReview,
)
from saferhub.governance import rules, selectors
from saferhub.governance.access import require_exporter, require_retention_reviewer
from saferhub.governance.models import Erasure
from saferhub.governance.subject_access import SubjectAccessExport, build_export
from saferhub.incidents.models import Incident, Involvement
from saferhub.marac.models import MaracAction, MaracMeeting, MaracReferral, ResearchNote
from saferhub.organisations.models import Membership
from saferhub.people.models import MergeProposal, Person, PersonGroup, PersonName
from saferhub.places.models import Place
from saferhub.referrals.models import Referral
from saferhub.risk.models import Assessment
from saferhub.sharing.models import RecordShare

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


def _delete_files_after_commit(names: list[str]) -> Callable[[], None]:
    def delete() -> None:
        storage = CaseDocument._meta.get_field("file").storage
        for name in names:
            storage.delete(name)

    return delete


def _blank_if_set(value: str) -> str:
    return rules.ERASED_TEXT if value.strip() else ""


def _clear_marac(referrals: QuerySet[MaracReferral], names: set[str]) -> dict[str, int]:
    """The referrals' reasons, their agenda items' research notes and action descriptions
    go; a meeting's restricted minutes go when they were only about these referrals, else
    the names are taken out of them. What the data form counts stays (criterion, repeat,
    dates, children, the victim's gender, ethnicity, disability, LGBT+ and age as recorded
    at referral, the referring agency)."""
    ids = list(referrals.values_list("pk", flat=True))
    notes = ResearchNote.objects.filter(item__referral_id__in=ids).exclude(text=rules.ERASED_TEXT)
    actions = MaracAction.objects.filter(item__referral_id__in=ids).exclude(
        description=rules.ERASED_TEXT
    )
    counts = {
        "marac_referrals_cleared": MaracReferral.objects.filter(pk__in=ids)
        .exclude(reasons=rules.ERASED_TEXT)
        .update(reasons=rules.ERASED_TEXT),
        "marac_research_notes_cleared": notes.update(text=rules.ERASED_TEXT),
        "marac_actions_cleared": actions.update(description=rules.ERASED_TEXT),
    }
    meeting_ids = set(
        MaracMeeting.objects.filter(items__referral_id__in=ids).values_list("pk", flat=True)
    )
    for meeting in MaracMeeting.objects.select_for_update().filter(pk__in=meeting_ids):
        if not meeting.minutes:
            continue
        alone = not meeting.items.exclude(referral_id__in=ids).exists()
        minutes = "" if alone else rules.redact_names(meeting.minutes, names)
        if minutes != meeting.minutes:
            MaracMeeting.objects.filter(pk=meeting.pk).update(
                minutes=minutes, version=F("version") + 1
            )
    return counts


def _clear_risk(assessments: QuerySet[Assessment]) -> int:
    """The answers and the professional judgement reasons go; the kind, questionnaire
    version, score, thresholds, grades and dates stay (counts by grade)."""
    return assessments.exclude(answers={}).update(answers={}, judgement_reasons="")


def _clear_referrals(referrals: QuerySet[Referral]) -> int:
    """What was asked, why consent was overridden and why it was declined go; the service,
    consent given or not, status, organisations and dates stay."""
    cleared = 0
    for referral in referrals.exclude(details=rules.ERASED_TEXT).select_for_update():
        referral.details = rules.ERASED_TEXT
        referral.consent_override_reason = _blank_if_set(referral.consent_override_reason)
        referral.decision_reason = _blank_if_set(referral.decision_reason)
        referral.version += 1
        referral.save(
            update_fields=["details", "consent_override_reason", "decision_reason", "version"]
        )
        cleared += 1
    return cleared


def _clear_case(case: Case, names: set[str]) -> tuple[list[str], dict[str, int]]:
    """Erase a case's free text and everything hanging off it; returns the document files to
    delete after commit and what was done. Type, status, dates, outcome and links stay."""
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
    counts["assessments_cleared"] = _clear_risk(Assessment.objects.filter(case=case))
    counts |= _clear_marac(MaracReferral.objects.filter(case=case), names)
    counts["referrals_cleared"] = _clear_referrals(Referral.objects.filter(case=case))
    Case.objects.filter(pk=case.pk).update(
        title=rules.ERASED_CASE_TITLE,
        summary="",
        closure_notes="",
        review_interval_reason="",
        version=F("version") + 1,
    )
    return files, counts


def _redact_case(case: Case, names: set[str]) -> int:
    """Take the names out of a case shared with other people: title, summary, closure
    notes, notes, actions, review notes and history lines. Returns how many texts changed.
    Documents stay (the case is the other people's record too), but a document whose file
    name names them is renamed "[erased]" with its extension."""
    changed = 0
    texts: list[tuple[Any, str]] = [
        (Case.objects.filter(pk=case.pk), field)
        for field in ("title", "summary", "closure_notes", "review_interval_reason")
    ]
    texts += [
        (CaseNote.objects.filter(pk=pk), "text") for pk in case.notes.values_list("pk", flat=True)
    ]
    texts += [
        (CaseAction.objects.filter(pk=pk), "description")
        for pk in case.actions.values_list("pk", flat=True)
    ]
    texts += [
        (CaseReview.objects.filter(pk=pk), "notes")
        for pk in case.reviews.values_list("pk", flat=True)
    ]
    for rows, field in texts:
        value = rows.values_list(field, flat=True).get()
        redacted = rules.redact_names(value, names)
        if redacted != value:
            rows.update(**{field: redacted})
            changed += 1
    # History lines: a document's file name that names them goes whole.
    for pk, line in case.events.values_list("pk", "description"):
        redacted = rules.redact_document_line(line, names)
        if redacted != line:
            CaseEvent.objects.filter(pk=pk).update(description=redacted)
            changed += 1
    for pk, file_name in case.documents.values_list("pk", "original_name"):
        redacted = rules.redact_file_name(file_name, names)
        if redacted != file_name:
            CaseDocument.objects.filter(pk=pk).update(original_name=redacted)
            changed += 1
    return changed


def _clear_share_reasons(
    about_them: list[tuple[str, set[int]]], shared: list[tuple[str, set[int]]], names: set[str]
) -> int:
    """Share reasons are free text: a share of a record about them alone (the person, an
    erased case, incident or place) loses its reason; a share of a record also about other
    people (a shared case or incident, a group they were in), or any other share whose
    reason names them, has their names taken out. Returns how many reasons changed. The
    audit events of the shares are never changed."""
    changed = 0
    for record_type, ids in about_them:
        changed += (
            RecordShare.objects.filter(record_type=record_type, record_id__in=ids)
            .exclude(reason=rules.ERASED_TEXT)
            .update(reason=rules.ERASED_TEXT)
        )
    # The shares of records also about others, and any other share whose reason names them.
    others = Q(pk__in=[])
    for record_type, ids in shared:
        others |= Q(record_type=record_type, record_id__in=ids)
    for name in names:
        others |= Q(reason__icontains=name)
    for pk, reason in RecordShare.objects.filter(others).values_list("pk", "reason"):
        redacted = rules.redact_names(reason, names)
        if redacted != reason:
            RecordShare.objects.filter(pk=pk).update(reason=redacted)
            changed += 1
    return changed


def _redact_groups(group_ids: set[int], names: set[str]) -> int:
    """Take their names out of the name and description of the groups they were in (the
    groups are the other members' record too). Returns how many groups changed."""
    changed = 0
    for group in PersonGroup.objects.select_for_update().filter(pk__in=group_ids).order_by("pk"):
        name = rules.redact_names(group.name, names)
        description = rules.redact_names(group.description, names)
        if (name, description) != (group.name, group.description):
            PersonGroup.objects.filter(pk=group.pk).update(
                name=name, description=description, version=F("version") + 1
            )
            changed += 1
    return changed


def _clear_place(place: Place) -> None:
    """An address only about the erased person: the address, name, postcode, UPRN and
    coordinates go; the LSOA, ward and district stay (counts by area)."""
    Place.objects.filter(pk=place.pk).update(
        name=rules.ERASED_PLACE_NAME,
        address="",
        postcode="",
        uprn="",
        latitude=None,
        longitude=None,
    )


def _erase_person_row(person: Person, now: datetime.datetime) -> int:
    """The person becomes an "Erased record" placeholder with gender only; returns how many
    other names were deleted."""
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
    return other_names


def _register_with_person(
    actor: Actor,
    *,
    record_type: str,
    record: Case | Incident | Place | Person,
    person: Person,
    reason: str,
    now: datetime.datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Register a record erased together with a person (unless already erased) and audit it
    for its owner, so the owner's supervisors see it. Returns whether it was registered."""
    if Erasure.objects.filter(record_type=record_type, record_id=record.pk).exists():
        return False
    _record_erasure(
        actor,
        record_type=record_type,
        record_id=record.pk,
        owner_id=record.owner_organisation_id,
        reason=reason,
        now=now,
        subject_id=person.pk,
        payload={"with_person": person.pk, **(payload or {})},
    )
    return True


@transaction.atomic
def person_erase(*, actor: Actor, person: Person, reason: str) -> Person:
    """Erase a person past its retention period, and their personal data in every record
    about them, keeping what depersonalised counts need (docs: ADR 0008, "Erasure").

    - The person, and any records merged into them, become "Erased record" placeholders
      (gender only); other names, group memberships and merge-proposal reasons go.
    - Incidents: their involvement goes and the narrative is blanked; an incident about
      them alone also loses its reference and is registered as erased. Category, markers,
      date, place and the other people's involvements stay.
    - Cases: their link goes; a case about them alone is erased as case_erase does (notes
      and documents deleted, the files after commit); in a case shared with other people
      their names are taken out of the free text, and a history line naming a document
      whose file name names them loses the file name.
    - Groups they were in lose their names from the group's name and description.
    - Share reasons: a share of their person record or of a record about them alone loses
      its reason; a share of a shared case or incident, or of a group they were in, loses
      their names.
    - Risk assessments of them lose the answers and judgement reasons; their MARAC
      referrals lose the reasons, research and action text (the data form's figures stay);
      referrals about them lose the request and the reasons.
    - A place linked only to records about them alone loses its address and coordinates
      (LSOA, ward and district stay).

    PermissionDenied unless the actor may review retention; 404 for another
    organisation's person; ValidationError if not yet due (for the owner, or for another
    organisation that holds records about them for longer), already erased or no reason.
    """
    membership = _reviewer(actor)
    _owned_or_404(person.owner_organisation_id, membership.organisation_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    today = timezone.localdate()
    due = selectors.people_due(actor, membership.organisation, today).filter(pk=person.pk)
    _check_erasure(
        actor,
        record_type="person",
        record_id=person.pk,
        due=person.erased_at is None and due.exists(),
        reason=reason,
    )
    keeping = selectors.holders_keeping(person, today)
    if keeping:
        raise ValidationError(
            {
                "__all__": "This person cannot be erased yet: "
                + ", ".join(o.name for o in keeping)
                + " must keep records about them for longer"
            }
        )
    now = timezone.now()
    merged = list(Person.objects.select_for_update().filter(merged_into=person).order_by("pk"))
    people = [person, *merged]
    ids = [p.pk for p in people]
    names = rules.names_to_redact(
        [(p.given_name, p.family_name) for p in people]
        + list(
            PersonName.objects.filter(person_id__in=ids).values_list("given_name", "family_name")
        )
    )
    counts: dict[str, Any] = {}

    # Incidents: their involvement goes; one about them alone is erased.
    incident_ids = set(
        Involvement.objects.filter(person_id__in=ids).values_list("incident_id", flat=True)
    )
    shared_incidents = set(
        Involvement.objects.filter(incident_id__in=incident_ids)
        .exclude(person_id__in=ids)
        .values_list("incident_id", flat=True)
    )
    incidents_alone = incident_ids - shared_incidents
    counts["involvements_deleted"] = Involvement.objects.filter(person_id__in=ids).delete()[0]
    Incident.objects.filter(pk__in=incident_ids).update(narrative="")
    Incident.objects.filter(pk__in=incidents_alone).update(reference="")
    counts["incidents_erased"] = sorted(incidents_alone)
    counts["incidents_shared_narrative_blanked"] = sorted(shared_incidents)

    # Cases: their link goes; one about them alone is erased, a shared one redacted.
    case_ids = set(CasePerson.objects.filter(person_id__in=ids).values_list("case_id", flat=True))
    shared_cases = set(
        CasePerson.objects.filter(case_id__in=case_ids)
        .exclude(person_id__in=ids)
        .values_list("case_id", flat=True)
    )
    cases_alone = case_ids - shared_cases
    CasePerson.objects.filter(person_id__in=ids).delete()
    files: list[str] = []
    case_counts: dict[str, int] = {}
    for case in Case.objects.select_for_update().filter(pk__in=cases_alone).order_by("pk"):
        case_files, done = _clear_case(case, names)
        files += case_files
        for key, value in done.items():
            case_counts[key] = case_counts.get(key, 0) + value
    counts["cases_erased"] = sorted(cases_alone)
    counts["case_texts_redacted"] = sum(
        _redact_case(case, names)
        for case in Case.objects.select_for_update().filter(pk__in=shared_cases)
    )

    # Places linked only to records about them alone.
    place_candidates = set(
        Incident.objects.filter(pk__in=incident_ids, place__isnull=False).values_list(
            "place_id", flat=True
        )
    ) | set(
        Case.places.through.objects.filter(case_id__in=case_ids).values_list("place_id", flat=True)
    )
    places_alone = []
    for place in Place.objects.select_for_update().filter(pk__in=place_candidates).order_by("pk"):
        at_place = set(place.incidents.values_list("pk", flat=True))
        on_cases = set(place.cases.values_list("pk", flat=True))
        if rules.only_about_them(
            linked={("incident", i) for i in at_place} | {("case", c) for c in on_cases},
            theirs_alone={("incident", i) for i in incidents_alone}
            | {("case", c) for c in cases_alone},
        ):
            _clear_place(place)
            places_alone.append(place)
    counts["places_erased"] = [p.pk for p in places_alone]

    # Risk assessments, MARAC referrals and referrals about them (those on a case about
    # them alone were cleared with the case, and are counted there).
    counts["assessments_cleared"] = _clear_risk(Assessment.objects.filter(person_id__in=ids))
    counts |= _clear_marac(MaracReferral.objects.filter(victim_id__in=ids), names)
    counts["referrals_cleared"] = _clear_referrals(Referral.objects.filter(person_id__in=ids))
    counts |= {f"erased_cases_{k}": v for k, v in case_counts.items()}
    for proposal in MergeProposal.objects.filter(
        Q(survivor_id__in=ids) | Q(duplicate_id__in=ids)
    ).select_for_update():
        proposal.reason = _blank_if_set(proposal.reason)
        proposal.decision_reason = _blank_if_set(proposal.decision_reason)
        proposal.save(update_fields=["reason", "decision_reason"])

    # Groups they were in keep going for the others, without their names; share reasons
    # (free text) lose them too.
    group_ids = set(
        PersonGroup.members.through.objects.filter(person_id__in=ids).values_list(
            "persongroup_id", flat=True
        )
    )
    counts["groups_redacted"] = _redact_groups(group_ids, names)
    counts["share_reasons_cleared"] = _clear_share_reasons(
        [
            ("person", set(ids)),
            ("case", cases_alone),
            ("incident", incidents_alone),
            ("place", {p.pk for p in places_alone}),
        ],
        [("case", shared_cases), ("incident", shared_incidents), ("group", group_ids)],
        names,
    )

    counts["other_names_deleted"] = sum(_erase_person_row(p, now) for p in people)
    counts["merged_records_erased"] = [p.pk for p in merged]
    transaction.on_commit(_delete_files_after_commit(files))
    _record_erasure(
        actor,
        record_type="person",
        record_id=person.pk,
        owner_id=person.owner_organisation_id,
        reason=reason,
        now=now,
        subject_id=person.pk,
        payload=counts,
    )
    for duplicate in merged:
        _register_with_person(
            actor, record_type="person", record=duplicate, person=person, reason=reason, now=now
        )
    for case in Case.objects.filter(pk__in=cases_alone).order_by("pk"):
        _register_with_person(
            actor, record_type="case", record=case, person=person, reason=reason, now=now
        )
    for incident in Incident.objects.filter(pk__in=incidents_alone).order_by("pk"):
        _register_with_person(
            actor, record_type="incident", record=incident, person=person, reason=reason, now=now
        )
    for place in places_alone:
        _register_with_person(
            actor, record_type="place", record=place, person=person, reason=reason, now=now
        )
    person.refresh_from_db()
    return person


@transaction.atomic
def case_erase(*, actor: Actor, case: Case, reason: str) -> Case:
    """Erase a closed case past its retention period: title, summary, closure notes, notes,
    action descriptions, review notes, history lines and documents (deleted from storage
    after commit) go, as do its risk assessments' answers and reasons, its MARAC referrals'
    reasons, research and action text, the text of referrals made with it and the reasons
    given for sharing it; its type, status, dates, outcome and links (for counts) stay.

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
    files, counts = _clear_case(case, set())
    counts["share_reasons_cleared"] = _clear_share_reasons([("case", {case.pk})], [], set())
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
    case.refresh_from_db()
    return case


@transaction.atomic
def incident_erase(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Erase an incident past its retention period: its narrative, the recording agency's
    reference and the reasons given for sharing it go; category, markers, date, place and
    the people's roles stay.

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
    cleared = _clear_share_reasons([("incident", {incident.pk})], [], set())
    _record_erasure(
        actor,
        record_type="incident",
        record_id=incident.pk,
        owner_id=incident.owner_organisation_id,
        reason=reason,
        now=now,
        payload={"share_reasons_cleared": cleared},
    )
    return incident


ERASERS: dict[str, Callable[..., object]] = {
    "person": person_erase,
    "case": case_erase,
    "incident": incident_erase,
}
