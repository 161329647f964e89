"""Reads for the information governance pages, each audited: who viewed a person, and the
records past their retention period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.selectors import RecordAccessEvent, record_access_events
from saferhub.audit.services import audit_record
from saferhub.cases.models import Case
from saferhub.cases.rules import Status
from saferhub.governance import rules
from saferhub.governance.access import owned_cases, owned_incidents, owned_people
from saferhub.governance.models import Erasure
from saferhub.incidents.models import Incident
from saferhub.organisations.access import AnyUser
from saferhub.organisations.models import Membership, Organisation
from saferhub.people.models import Person

RETENTION_PURPOSE = "Reviewing records past their retention period"


def person_viewers(*, actor: AnyUser, person: Person, purpose: str) -> list[RecordAccessEvent]:
    """Who has viewed or been given the person's records (owned by the actor's
    organisation), with their purpose and the time, newest first. The caller has checked
    the actor is a supervisor of the owning organisation; the look-up is itself audited."""
    events = record_access_events(
        owner_organisation_id=person.owner_organisation_id, subject_id=str(person.pk)
    )
    audit_record(
        actor=actor,
        action="person.viewers_viewed",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
        purpose=purpose,
    )
    return events


def retention_years(organisation: Organisation) -> int:
    """How long this organisation keeps records: the longest period of its partnerships."""
    return rules.retention_years_for(
        organisation.partnerships.values_list("retention_years", flat=True)
    )


def _cutoff(organisation: Organisation, today: datetime.date) -> datetime.datetime:
    day = rules.retention_cutoff(today, retention_years(organisation))
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _erased_ids(record_type: str, organisation: Organisation) -> QuerySet[Erasure, Any]:
    return Erasure.objects.filter(record_type=record_type, owner_organisation=organisation).values(
        "record_id"
    )


def cases_due(user: AnyUser, organisation: Organisation, today: datetime.date) -> QuerySet[Case]:
    """Closed cases of the organisation whose closure is older than the retention period."""
    return (
        owned_cases(user)
        .filter(status=Status.CLOSED, closed_at__lt=_cutoff(organisation, today))
        .exclude(pk__in=_erased_ids("case", organisation))
        .order_by("closed_at", "pk")
    )


def incidents_due(
    user: AnyUser, organisation: Organisation, today: datetime.date
) -> QuerySet[Incident]:
    """Incidents older than the retention period that are not on a case still kept (a case
    not closed, or closed within the period)."""
    cutoff = _cutoff(organisation, today)
    kept_cases = Case.objects.filter(~Q(status=Status.CLOSED) | Q(closed_at__gte=cutoff))
    return (
        owned_incidents(user)
        .filter(occurred_at__lt=cutoff, created_at__lt=cutoff)
        .exclude(cases__in=kept_cases)
        .exclude(pk__in=_erased_ids("incident", organisation))
        .order_by("occurred_at", "pk")
    )


def inactive_since(people: QuerySet[Person], cutoff: datetime.datetime) -> QuerySet[Person]:
    """The people with no activity since `cutoff`: record unchanged, no incident, no case
    opened or closed, no risk assessment, MARAC referral or referral between agencies, and
    on no case still open, whichever organisation holds those records."""
    return (
        people.filter(updated_at__lt=cutoff)
        .exclude(involvements__incident__occurred_at__gte=cutoff)
        .exclude(case_links__case__opened_at__gte=cutoff)
        .exclude(case_links__case__closed_at__gte=cutoff)
        .exclude(case_links__case__in=Case.objects.exclude(status=Status.CLOSED))
        .exclude(risk_assessments__assessed_at__gte=cutoff)
        .exclude(marac_referrals__referred_on__gte=cutoff.date())
        .exclude(referrals__sent_at__gte=cutoff)
    )


def people_due(user: AnyUser, organisation: Organisation, today: datetime.date) -> QuerySet[Person]:
    """The organisation's people with no activity within its retention period
    (inactive_since), not yet erased."""
    cutoff = _cutoff(organisation, today)
    return (
        inactive_since(owned_people(user), cutoff)
        .annotate(last_incident=Max("involvements__incident__occurred_at"))
        .order_by("updated_at", "pk")
    )


def holders_keeping(person: Person, today: datetime.date) -> list[Organisation]:
    """Other organisations holding records about the person (incidents, cases, risk
    assessments, MARAC and other referrals) whose own, longer retention period has not yet
    passed since the person's last activity: erasing now would cut their policy short."""
    holders = (
        Organisation.objects.filter(
            Q(incidents__involvements__person=person)
            | Q(cases__case_people__person=person)
            | Q(risk_assessments__person=person)
            | Q(marac_referrals_made__victim=person)
            | Q(referrals_sent__person=person)
            | Q(referrals_received__person=person)
        )
        .exclude(pk=person.owner_organisation_id)
        .distinct()
        .order_by("name")
    )
    keeping = []
    for holder in holders:
        still = inactive_since(Person.objects.filter(pk=person.pk), _cutoff(holder, today))
        if not still.exists():
            keeping.append(holder)
    return keeping


@dataclass(frozen=True)
class RetentionReview:
    """The records due for review, for one organisation."""

    organisation: Organisation
    years: int
    cutoff: datetime.date
    people: list[Person]
    cases: list[Case]
    incidents: list[Incident]


def retention_review(
    *, actor: AnyUser, membership: Membership, today: datetime.date | None = None, limit: int = 200
) -> RetentionReview:
    """The organisation's people, cases and incidents past the retention period (the oldest
    first, at most `limit` of each); audited as a consultation."""
    today = today or timezone.localdate()
    organisation = membership.organisation
    years = retention_years(organisation)
    review = RetentionReview(
        organisation=organisation,
        years=years,
        cutoff=rules.retention_cutoff(today, years),
        people=list(people_due(actor, organisation, today)[:limit]),
        cases=list(cases_due(actor, organisation, today).select_related("lead_officer")[:limit]),
        incidents=list(incidents_due(actor, organisation, today)[:limit]),
    )
    audit_record(
        actor=actor,
        action="retention.reviewed",
        operation=Operation.CONSULTATION,
        record_owner_organisation_id=organisation.pk,
        purpose=RETENTION_PURPOSE,
        payload={
            "people": len(review.people),
            "cases": len(review.cases),
            "incidents": len(review.incidents),
        },
    )
    return review


def record_for_erasure(
    *, actor: AnyUser, record_type: str, record_id: int
) -> Person | Case | Incident:
    """A person, case or incident the actor's organisation owns, shown before erasure;
    404 for another organisation's or a missing record; audited as a consultation."""
    record: Person | Case | Incident | None
    if record_type == "person":
        record = owned_people(actor).filter(pk=record_id).first()
    elif record_type == "case":
        record = owned_cases(actor).filter(pk=record_id).first()
    elif record_type == "incident":
        record = owned_incidents(actor).filter(pk=record_id).first()
    else:
        raise Http404("No such record")
    if record is None:
        raise Http404("No such record")
    audit_record(
        actor=actor,
        action=f"{record_type}.viewed_for_erasure",
        operation=Operation.CONSULTATION,
        target_type=record_type,
        target_id=record.pk,
        record_owner_organisation_id=record.owner_organisation_id,
        subject_id=record.pk if record_type == "person" else "",
        purpose=RETENTION_PURPOSE,
    )
    return record
