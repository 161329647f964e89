"""Referral reads: an organisation's inbox and sent referrals, and one referral; audited as
consultations (they name people)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, Value, When
from django.urls import reverse

from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.extensions import TimelineEntry
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.people.models import Person
from saferhub.referrals.access import referrals_visible_to
from saferhub.referrals.models import Referral
from saferhub.referrals.rules import Status


@dataclass(frozen=True)
class Inbox:
    """Referrals received (awaiting first, then newest) and sent by the organisation."""

    received: list[Referral]
    sent: list[Referral]
    awaiting: int


def inbox(*, actor: Actor) -> Inbox:
    """The actor's organisation's referral inbox and sent referrals (the latest 200 each)."""
    membership = membership_of(actor)
    visible = referrals_visible_to(actor).select_related(
        "from_organisation", "to_organisation", "person"
    )
    if membership is None:
        return Inbox([], [], 0)
    org = membership.organisation_id
    awaiting_first = When_(
        When(status=Status.SENT.value, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    received = list(
        visible.filter(to_organisation_id=org).order_by(awaiting_first, "-sent_at")[:200]
    )
    sent = list(visible.filter(from_organisation_id=org).order_by("-sent_at")[:200])
    audit_record(
        actor=actor,
        action="referral.list_viewed",
        operation=Operation.CONSULTATION,
        target_type="referral",
        payload={"referrals": sorted({r.pk for r in received + sent})[:300]},
    )
    return Inbox(received, sent, sum(1 for r in received if r.status == Status.SENT))


def referral_detail(*, actor: Actor, referral: Referral, purpose: str) -> Referral:
    """One referral for its page, audited as a consultation of the person's record."""
    audit_record(
        actor=actor,
        action="referral.viewed",
        operation=Operation.CONSULTATION,
        target_type="referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.from_organisation_id,
        subject_id=referral.person_id,
        purpose=purpose,
    )
    return referral


def timeline_for_person(actor: AnyUser, person_id: int) -> list[TimelineEntry]:
    """Referrals about the person that the actor's organisation sent or received (the
    person's few referral ids first, then the visibility rule on those)."""
    ids = list(
        Referral.objects.filter(person_id=person_id)
        .order_by("-sent_at")
        .values_list("pk", flat=True)[:500]
    )
    if not ids:
        return []
    return [
        TimelineEntry(
            occurred_at=r.sent_at,
            kind="Referral",
            title=f"{r.get_service_display()}: {r.from_organisation.name} to {r.to_organisation.name}",
            url=reverse("referrals:detail", args=[r.pk]),
            detail=r.get_status_display(),
        )
        for r in referrals_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("from_organisation", "to_organisation")
    ]


def person_for_referral(*, actor: Actor, person: Person, purpose: str) -> Person:
    """The person named on the referral form, audited as a consultation of their record."""
    audit_record(
        actor=actor,
        action="referral.form_viewed",
        operation=Operation.CONSULTATION,
        target_type="person",
        target_id=person.pk,
        record_owner_organisation_id=person.owner_organisation_id,
        subject_id=person.pk,
        purpose=purpose,
    )
    return person
