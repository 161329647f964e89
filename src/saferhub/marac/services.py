"""MARAC writes: referring a case, planning a meeting, putting a referral on the agenda
(which shares the case and its people, incidents and places with the meeting's
organisations) and taking it off again (which ends those shares), research notes, actions
and their completion, and the restricted minutes.
Each runs in one transaction and writes its audit events inside it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.models import Case
from saferhub.marac import rules
from saferhub.marac.access import can_contribute, manages_marac
from saferhub.marac.models import (
    AgendaItem,
    MaracAction,
    MaracMeeting,
    MaracReferral,
    ResearchNote,
)
from saferhub.organisations.access import membership_of, require_capability
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Capability
from saferhub.people.models import Person
from saferhub.risk.models import Assessment
from saferhub.sharing.models import LegalBasis, RecordShare
from saferhub.sharing.services import DerivedRecord, derived_shares_grant, derived_shares_revoke


class StaleEditError(Exception):
    """Someone else saved the same record first."""


def _user(actor: Actor) -> User:
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("sign in first")
    return actor


def _age(person: Person, on: datetime.date) -> int | None:
    age = rules.age_on(person.date_of_birth, on)
    return age if age is not None else person.approximate_age


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    case: Case,
    victim: Person,
    partnership: Partnership,
    criterion: rules.Criterion | str,
    reasons: str,
    referred_on: datetime.date | None = None,
    children_in_household: int = 0,
    victim_disability: str = rules.YesNoUnknown.NOT_KNOWN.value,
    victim_lgbt_plus: str = rules.YesNoUnknown.NOT_KNOWN.value,
    assessment: Assessment | None = None,
) -> MaracReferral:
    """Refer a case to a partnership's MARAC for one victim.

    The caller has checked the actor may change the case. A repeat is detected here: the
    victim's latest earlier referral to the same MARAC within 12 months makes this one a
    repeat (rules.is_repeat), whatever criterion was chosen. The victim's gender, ethnicity
    and age are recorded as they are today, with the disability and LGBT+ answers given.
    Audited as a disclosure of the victim's record to the MARAC. ValidationError with field
    errors: victim not on the case, a partnership the case's organisation is not in, an
    unknown criterion, blank reasons, a future date, or an assessment of another case.
    """
    user = _user(actor)
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied("only members may refer to MARAC")
    referred_on = referred_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not case.case_people.filter(person=victim).exists():
        errors["victim"] = "Select the victim from the people on this case"
    if not partnership.organisations.filter(pk=case.owner_organisation_id).exists():
        errors["partnership"] = "Select a partnership your organisation belongs to"
    if criterion not in rules.Criterion.__members__.values():
        errors["criterion"] = "Select the referral criterion"
    if not reasons.strip():
        errors["reasons"] = "Enter why you are referring this case to MARAC"
    if referred_on > timezone.localdate():
        errors["referred_on"] = "Date of referral must be today or in the past"
    if assessment is not None and assessment.case_id != case.pk:
        errors["assessment"] = "The assessment must be of this case"
    for name, value in (
        ("victim_disability", victim_disability),
        ("victim_lgbt_plus", victim_lgbt_plus),
    ):
        if value not in rules.YesNoUnknown.__members__.values():
            errors[name] = "Select yes, no or not known"
    if children_in_household < 0:
        errors["children_in_household"] = "Number of children must be 0 or more"
    if errors:
        raise ValidationError(errors)
    earlier = (
        MaracReferral.objects.select_for_update()
        .filter(victim=victim, partnership=partnership, referred_on__lte=referred_on)
        .order_by("-referred_on", "-pk")
        .first()
    )
    repeat = earlier is not None and rules.is_repeat(referred_on, earlier.referred_on)
    referral = MaracReferral.objects.create(
        partnership=partnership,
        case=case,
        victim=victim,
        assessment=assessment,
        referring_organisation=membership.organisation,
        referred_by=user,
        referred_on=referred_on,
        criterion=str(criterion),
        reasons=reasons.strip(),
        is_repeat=repeat,
        previous_referral=earlier if repeat else None,
        children_in_household=children_in_household,
        victim_gender=victim.get_gender_display(),
        victim_ethnicity=victim.ethnicity,
        victim_disability=victim_disability,
        victim_lgbt_plus=victim_lgbt_plus,
        victim_age=_age(victim, referred_on),
    )
    audit_record(
        actor=actor,
        action="marac_referral.created",
        operation=Operation.DISCLOSURE,
        target_type="marac_referral",
        target_id=referral.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        subject_id=victim.pk,
        purpose=f"MARAC referral: {referral.get_criterion_display()}",
        payload={
            "case_id": case.pk,
            "partnership_id": partnership.pk,
            "criterion": str(criterion),
            "is_repeat": repeat,
            "previous_referral_id": earlier.pk if repeat and earlier else None,
        },
    )
    return referral


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    partnership: Partnership,
    held_on: datetime.date,
    location: str = "",
    organisations: Iterable[Organisation] | None = None,
    share_days: int = 365,
) -> MaracMeeting:
    """Plan a MARAC meeting. Needs MANAGE_MARAC in an organisation of the partnership
    (PermissionDenied). The meeting's organisations default to every organisation in the
    partnership and always include the coordinator's own. Audited (no personal data)."""
    membership = require_capability(actor, Capability.MANAGE_MARAC)
    if not partnership.organisations.filter(pk=membership.organisation_id).exists():
        raise PermissionDenied("not a member of this partnership")
    chosen = (
        list(organisations) if organisations is not None else list(partnership.organisations.all())
    )
    outside = [o for o in chosen if not partnership.organisations.filter(pk=o.pk).exists()]
    if outside:
        raise ValidationError({"organisations": "Select organisations in the partnership"})
    if not 1 <= share_days <= 3 * 365:
        raise ValidationError({"share_days": "Sharing must last between 1 day and 3 years"})
    meeting = MaracMeeting.objects.create(
        partnership=partnership,
        owner_organisation=membership.organisation,
        held_on=held_on,
        location=location.strip(),
        share_days=share_days,
        created_by=_user(actor),
    )
    meeting.organisations.set({*(o.pk for o in chosen), membership.organisation_id})
    audit_record(
        actor=actor,
        action="marac_meeting.created",
        operation=Operation.NONE,
        target_type="marac_meeting",
        target_id=meeting.pk,
        payload={
            "partnership_id": partnership.pk,
            "held_on": held_on.isoformat(),
            "organisations": sorted(meeting.organisations.values_list("pk", flat=True)),
        },
    )
    return meeting


AGENDA_ORIGIN = "marac_agenda_item"


def _linked_records(case: Case) -> list[DerivedRecord]:
    """The case and its linked records owned by the case's organisation (others' records are
    theirs to share), each with the person it is about for the audit."""
    owner = case.owner_organisation_id
    victim = case.case_people.order_by("pk").values_list("person_id", flat=True).first() or ""
    records = [DerivedRecord("case", case.pk, victim)]
    records += [
        DerivedRecord("person", pk, pk)
        for pk in case.people.filter(owner_organisation_id=owner).values_list("pk", flat=True)
    ]
    records += [
        DerivedRecord("incident", pk, victim)
        for pk in case.incidents.filter(owner_organisation_id=owner).values_list("pk", flat=True)
    ]
    records += [
        DerivedRecord("place", pk, "")
        for pk in case.places.filter(owner_organisation_id=owner).values_list("pk", flat=True)
    ]
    return records


def _meeting_name(meeting: MaracMeeting) -> str:
    return f"MARAC on {meeting.held_on.day} {meeting.held_on:%B %Y}"


def _share_for_meeting(*, actor: Actor, item: AgendaItem) -> list[RecordShare]:
    """Share the item's case and its linked records with each of the meeting's organisations
    other than the owner, until the meeting date plus its sharing period; each share names
    the agenda item as its origin (so it ends when the case leaves the agenda, ADR 0009) and
    is audited as a disclosure. Another origin's shares of the same records are separate."""
    meeting, case = item.meeting, item.referral.case
    expires_on = meeting.held_on + datetime.timedelta(days=meeting.share_days)
    records = _linked_records(case)
    created: list[RecordShare] = []
    for organisation in meeting.organisations.exclude(pk=case.owner_organisation_id):
        created += derived_shares_grant(
            actor=actor,
            origin_type=AGENDA_ORIGIN,
            origin_id=item.pk,
            owner_organisation_id=case.owner_organisation_id,
            organisation=organisation,
            records=records,
            legal_basis=LegalBasis.CDA_1998_S115,
            reason=f"{_meeting_name(meeting)}: case on the agenda",
            expires_on=expires_on,
            payload={"marac_meeting_id": meeting.pk},
        )
    return created


@transaction.atomic
def agenda_add(
    *, actor: Actor, meeting: MaracMeeting, referral: MaracReferral
) -> tuple[AgendaItem, list[RecordShare]]:
    """Put a referral on a planned meeting's agenda and share its case, people, incidents
    and places with the meeting's organisations (ADR 0007, 0009), all audited.

    Needs MANAGE_MARAC (PermissionDenied). ValidationError when the meeting has been held,
    the referral is for another partnership's MARAC, or it is already on this agenda.
    """
    require_capability(actor, Capability.MANAGE_MARAC)
    meeting = MaracMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MaracMeeting.Status.PLANNED:
        raise ValidationError("Cases can only be added to a meeting that has not been held")
    if referral.partnership_id != meeting.partnership_id:
        raise ValidationError("This referral is for another partnership's MARAC")
    if AgendaItem.objects.filter(meeting=meeting, referral=referral).exists():
        raise ValidationError("This case is already on the agenda")
    position = (
        AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, referral=referral, position=position, added_by=_user(actor)
    )
    shares = _share_for_meeting(actor=actor, item=item)
    audit_record(
        actor=actor,
        action="marac_agenda.case_added",
        operation=Operation.DISCLOSURE,
        target_type="marac_referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.case.owner_organisation_id,
        subject_id=referral.victim_id,
        purpose=_meeting_name(meeting),
        payload={"meeting_id": meeting.pk, "item_id": item.pk, "shares": len(shares)},
    )
    return item, shares


@transaction.atomic
def agenda_remove(*, actor: Actor, item: AgendaItem, reason: str) -> list[RecordShare]:
    """Take a case off a planned meeting's agenda: the shares that putting it there created
    end (ADR 0009), and its research notes and actions, which were recorded for this
    meeting, are deleted. Audited (`marac_agenda.case_removed`, and each share's revocation).

    Needs MANAGE_MARAC in an organisation of the meeting (PermissionDenied; the caller
    fetched the item through access_item with manage=True). ValidationError when the meeting
    has been held (its agenda is then the record of what was discussed) or no reason is given.
    Returns the shares revoked.
    """
    membership = require_capability(actor, Capability.MANAGE_MARAC)
    meeting = MaracMeeting.objects.select_for_update().get(pk=item.meeting_id)
    if not meeting.organisations.filter(pk=membership.organisation_id).exists():
        raise PermissionDenied("only the meeting's coordinators may change its agenda")
    if meeting.status != MaracMeeting.Status.PLANNED:
        raise ValidationError("Cases can only be taken off a meeting that has not been held")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are taking this case off the agenda"})
    item = AgendaItem.objects.select_related("referral", "referral__case").get(pk=item.pk)
    purpose = f"{_meeting_name(meeting)}: case taken off the agenda. {reason.strip()}"[:500]
    revoked = derived_shares_revoke(
        actor=actor, origin_type=AGENDA_ORIGIN, origin_id=item.pk, reason=purpose
    )
    counts = {
        "research_notes_deleted": item.research_notes.count(),
        "actions_deleted": item.actions.count(),
    }
    referral = item.referral
    item_id = item.pk
    item.delete()
    for position, later in enumerate(AgendaItem.objects.filter(meeting=meeting), 1):
        if later.position != position:
            AgendaItem.objects.filter(pk=later.pk).update(position=position)
    audit_record(
        actor=actor,
        action="marac_agenda.case_removed",
        operation=Operation.ALTERATION,
        target_type="marac_referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.case.owner_organisation_id,
        subject_id=referral.victim_id,
        purpose=reason.strip(),
        payload={
            "meeting_id": meeting.pk,
            "item_id": item_id,
            "shares_revoked": [s.pk for s in revoked],
            **counts,
        },
    )
    return revoked


@transaction.atomic
def research_note_add(*, actor: Actor, item: AgendaItem, text: str) -> ResearchNote:
    """Record what the actor's organisation found in its own records about the case.

    Needs EDIT_PERSONAL_RECORDS in one of the meeting's organisations (the caller fetched
    the item through access_item). ValidationError for a blank note. Audited as collection.
    """
    membership = membership_of(actor)
    if membership is None or not can_contribute(actor):
        raise PermissionDenied("needs the edit_personal_records capability")
    if not text.strip():
        raise ValidationError({"text": "Enter your organisation's research"})
    note = ResearchNote.objects.create(
        item=item, organisation=membership.organisation, author=_user(actor), text=text.strip()
    )
    audit_record(
        actor=actor,
        action="marac_research.added",
        operation=Operation.COLLECTION,
        target_type="marac_referral",
        target_id=item.referral_id,
        record_owner_organisation_id=item.referral.case.owner_organisation_id,
        subject_id=item.referral.victim_id,
        payload={"note_id": note.pk, "meeting_id": item.meeting_id},
    )
    return note


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    item: AgendaItem,
    organisation: Organisation,
    description: str,
    due_on: datetime.date,
) -> MaracAction:
    """Record an action agreed for one agency, due by a date. Needs MANAGE_MARAC; the agency
    must sit on the meeting; the due date on or after the meeting. Audited as collection."""
    require_capability(actor, Capability.MANAGE_MARAC)
    errors: dict[str, str] = {}
    if not item.meeting.organisations.filter(pk=organisation.pk).exists():
        errors["organisation"] = "Select an organisation at this meeting"
    if not description.strip():
        errors["description"] = "Enter the action"
    if due_on < item.meeting.held_on:
        errors["due_on"] = "Due date must be on or after the meeting date"
    if errors:
        raise ValidationError(errors)
    action = MaracAction.objects.create(
        item=item,
        organisation=organisation,
        description=description.strip(),
        due_on=due_on,
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="marac_action.added",
        operation=Operation.COLLECTION,
        target_type="marac_referral",
        target_id=item.referral_id,
        record_owner_organisation_id=item.referral.case.owner_organisation_id,
        subject_id=item.referral.victim_id,
        payload={
            "action_id": action.pk,
            "organisation_id": organisation.pk,
            "due_on": due_on.isoformat(),
        },
    )
    return action


@transaction.atomic
def action_complete(*, actor: Actor, action: MaracAction) -> MaracAction:
    """Mark an action done: by its agency's members who may change records, or the
    coordinator (the caller fetched it through access_action). ValidationError if already
    done. Audited as an alteration."""
    membership = membership_of(actor)
    if membership is None or not (
        manages_marac(actor)
        or (can_contribute(actor) and action.organisation_id == membership.organisation_id)
    ):
        raise PermissionDenied("only the agency or the coordinator may complete an action")
    action = MaracAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_at is not None:
        raise ValidationError("This action is already complete")
    action.completed_at = timezone.now()
    action.completed_by = _user(actor)
    action.save(update_fields=["completed_at", "completed_by"])
    audit_record(
        actor=actor,
        action="marac_action.completed",
        operation=Operation.ALTERATION,
        target_type="marac_referral",
        target_id=action.item.referral_id,
        record_owner_organisation_id=action.item.referral.case.owner_organisation_id,
        subject_id=action.item.referral.victim_id,
        payload={"action_id": action.pk},
    )
    return action


@transaction.atomic
def minutes_save(
    *, actor: Actor, meeting: MaracMeeting, minutes: str, held: bool, version: int
) -> MaracMeeting:
    """Save the restricted minutes and, optionally, mark the meeting held. Needs
    MANAGE_MARAC. StaleEditError when someone else saved first (nothing is overwritten).
    Audited as an alteration."""
    require_capability(actor, Capability.MANAGE_MARAC)
    meeting = MaracMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.version != version:
        raise StaleEditError("Someone else saved these minutes while you were editing")
    meeting.minutes = minutes.strip()
    if held:
        meeting.status = MaracMeeting.Status.HELD
    meeting.version += 1
    meeting.save(update_fields=["minutes", "status", "version"])
    audit_record(
        actor=actor,
        action="marac_minutes.saved",
        operation=Operation.ALTERATION,
        target_type="marac_meeting",
        target_id=meeting.pk,
        payload={"held": meeting.status == MaracMeeting.Status.HELD, "version": meeting.version},
    )
    return meeting


def move_to_survivor(survivor_id: int, duplicate_id: int) -> None:
    """Merge hook (cases.extensions): the duplicate's MARAC referrals now name the survivor,
    so repeat detection sees the whole history; inside the merge's transaction."""
    MaracReferral.objects.filter(victim_id=duplicate_id).update(victim_id=survivor_id)
