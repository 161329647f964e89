"""Reads for the case work pages. Views of personal data are audited with their purpose;
lists and search show only records the member may see (the access functions), and never
count hidden ones."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Left, RowNumber
from django.urls import reverse
from django.utils import timezone

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.cases import extensions, rules
from saferhub.cases.access import access_case, cases_visible_to
from saferhub.cases.extensions import TimelineEntry
from saferhub.cases.models import (
    Case,
    CaseAction,
    CaseDocument,
    CaseNote,
    CasePerson,
    CaseReview,
)
from saferhub.incidents.access import incidents_visible_to
from saferhub.incidents.models import Incident
from saferhub.organisations.access import has_capability, require_capability
from saferhub.organisations.rules import Capability
from saferhub.people.access import people_visible_to
from saferhub.places.access import places_visible_to
from saferhub.places.models import Place

Actor = AbstractBaseUser | AnonymousUser
PAGE_SIZE = 20
OPEN = (rules.Status.OPEN.value, rules.Status.ON_HOLD.value)


def _first_person(case: Case) -> int | str:
    return case.case_people.order_by("pk").values_list("person_id", flat=True).first() or ""


@transaction.atomic
def case_detail(
    *,
    actor: Actor,
    case_id: int,
    purpose: str,
    tab: str = "summary",
    checked: Case | None = None,
) -> Case:
    """One case for its page (audited as a consultation with its purpose and tab).

    `checked` is the case as access_case(actor, case_id) returned it earlier in the same
    request, so it is not read twice; without it the access check is made here."""
    case = checked if checked is not None and checked.pk == case_id else access_case(actor, case_id)
    audit_record(
        actor=actor,
        action="case.viewed",
        operation=Operation.CONSULTATION,
        target_type="case",
        target_id=case.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        subject_id=_first_person(case),
        purpose=purpose,
        payload={"tab": tab},
    )
    return case


def case_people(*, actor: Actor, case: Case) -> list[tuple[int, str, str, str]]:
    """(person id, name, role, date of birth text) of the case's people the actor may see."""
    links = list(case.case_people.order_by("pk").values_list("person_id", "role"))
    if not links:
        return []
    people = {
        pk: (f"{given} {family}", f"{born:%-d %B %Y}" if born else "")
        for pk, given, family, born in people_visible_to(actor)
        .filter(pk__in=sorted({person_id for person_id, _ in links}))
        .values_list("pk", "given_name", "family_name", "date_of_birth")
    }
    return [
        (person_id, people[person_id][0], role, people[person_id][1])
        for person_id, role in links
        if person_id in people
    ]


def case_incidents(*, actor: Actor, case: Case) -> list[Incident]:
    """The case's incidents the actor may see, newest first."""
    return list(
        incidents_visible_to(actor)
        .filter(pk__in=list(case.incidents.values_list("pk", flat=True)[:5000]))
        .select_related("owner_organisation")
        .order_by("-occurred_at")
    )


def case_places(*, actor: Actor, case: Case) -> list[Place]:
    """The case's places the actor may see."""
    linked = list(
        case.places.through.objects.filter(case_id=case.pk).values_list("place_id", flat=True)
    )
    return list(places_visible_to(actor).filter(pk__in=linked)) if linked else []


def case_document_for_download(
    *, actor: Actor, case_id: int, document_id: int, purpose: str
) -> CaseDocument:
    """A document of a case the actor may see (404 otherwise), audited as a consultation."""
    case = access_case(actor, case_id)
    try:
        document = case.documents.get(pk=document_id)
    except CaseDocument.DoesNotExist:
        from django.http import Http404

        raise Http404("No such document") from None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.document_downloaded",
            operation=Operation.CONSULTATION,
            target_type="case",
            target_id=case.pk,
            record_owner_organisation_id=case.owner_organisation_id,
            subject_id=_first_person(case),
            purpose=purpose,
            payload={"document": document.pk},
        )
    return document


@dataclass(frozen=True)
class Tasks:
    """An officer's work: open cases they lead, actions they own, reviews due on their cases,
    and for supervisors, their organisation's overdue reviews."""

    cases: list[Case]
    actions: list[CaseAction]
    reviews: list[CaseReview]
    organisation_overdue: list[CaseReview] | None
    today: datetime.date


def my_tasks(*, actor: Actor) -> Tasks:
    """What the member has to do (only their organisation's and shared cases they may see)."""
    membership = require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    today = timezone.localdate()
    visible = cases_visible_to(actor)
    cases = list(
        visible.filter(lead_officer_id=actor.pk, status__in=OPEN).order_by("-opened_at")[:200]
    )
    actions = list(
        CaseAction.objects.filter(
            owner_id=actor.pk, completed_at__isnull=True, case_id__in=visible.values("pk")
        )
        .select_related("case")
        .order_by("due_on")[:200]
    )
    reviews = list(
        CaseReview.objects.filter(
            completed_at__isnull=True,
            case__lead_officer_id=actor.pk,
            case__status__in=OPEN,
            due_on__lte=today + datetime.timedelta(days=14),
        )
        .select_related("case")
        .order_by("due_on")[:200]
    )
    overdue = None
    if has_capability(actor, Capability.SUPERVISE_CASES):
        overdue = list(
            CaseReview.objects.filter(
                completed_at__isnull=True,
                case__owner_organisation_id=membership.organisation_id,
                case__status__in=OPEN,
                due_on__lt=today,
            )
            .select_related("case", "case__lead_officer")
            .order_by("due_on")[:500]
        )
    return Tasks(cases, actions, reviews, overdue, today)


@transaction.atomic
def cases_search(*, actor: Actor, text: str, page: int | str | None = 1) -> Page[Case]:
    """Cases the actor may see whose reference or title contains the text. Audited."""
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    text = text.strip()
    queryset: QuerySet[Case] = cases_visible_to(actor).select_related("owner_organisation")
    if not text:
        queryset = queryset.none()
    else:
        queryset = queryset.filter(Q(reference__iexact=text) | Q(title__icontains=text))
    result = Paginator(queryset.order_by("-opened_at", "-pk"), PAGE_SIZE).get_page(page)
    if text:
        audit_record(
            actor=actor,
            action="case.searched",
            operation=Operation.CONSULTATION,
            target_type="case",
            purpose="Searching for records",
            payload={"shown": [c.pk for c in result.object_list]},
        )
    return result


def record_url(name: str) -> Callable[[int], str]:
    """A cheap maker of a record page's URL from its id (`reverse` once, not per row): for
    lists and timelines that link many records of one kind."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).rsplit(str(marker), 1)
    return lambda record_id: f"{before}{record_id}{after}"


NOTES_PER_CASE = 20
MAX_INCIDENTS_PER_PERSON = 5000


@dataclass(frozen=True)
class VisibleIncident:
    """One incident a person was involved in, as the member may see it."""

    pk: int
    occurred_at: datetime.datetime
    category: str
    markers: list[str]
    place_id: int | None
    organisation: str  # the recording organisation's name


@dataclass(frozen=True)
class PersonIncidents:
    """A person's part in incidents (every incident id and their roles in it) and the
    incidents among those the member may see, newest first: read once for a person page's
    flags and timeline."""

    person_id: int
    roles: dict[int, list[str]]
    visible: list[VisibleIncident]


def person_incidents(*, actor: Actor, person_id: int) -> PersonIncidents:
    """The person's roles in incidents and the visible incidents among them (two queries;
    at most MAX_INCIDENTS_PER_PERSON)."""
    roles: dict[int, list[str]] = {}
    for incident_id, role in Incident.people.through.objects.filter(
        person_id=person_id
    ).values_list("incident_id", "role")[:MAX_INCIDENTS_PER_PERSON]:
        roles.setdefault(incident_id, []).append(role)
    visible = (
        [
            VisibleIncident(*row)
            for row in incidents_visible_to(actor)
            .filter(pk__in=sorted(roles))
            .order_by("-occurred_at", "-pk")
            .values_list(
                "pk", "occurred_at", "category", "markers", "place_id", "owner_organisation__name"
            )
        ]
        if roles
        else []
    )
    return PersonIncidents(person_id, roles, visible)


def person_timeline(
    *,
    actor: Actor,
    person_id: int,
    limit: int = 200,
    incidents: PersonIncidents | None = None,
) -> list[TimelineEntry]:
    """The person's incidents, cases (opened and closed), case notes on cases about them and
    whatever other apps register (assessments, referrals), newest first: only records the
    actor may see.

    A fixed number of queries whatever the person's history: their roles in incidents and
    the visible incidents among those (or `incidents`, already read by person_incidents for
    this actor), the visible cases they are on, and the newest notes of those cases (at
    most NOTES_PER_CASE each), then the registered sources."""
    entries: list[TimelineEntry] = []
    if incidents is None or incidents.person_id != person_id:
        incidents = person_incidents(actor=actor, person_id=person_id)
    roles = incidents.roles
    if incidents.visible:
        categories = dict(Incident._meta.get_field("category").flatchoices)
        incident_url = record_url("incidents:detail")
        for incident in incidents.visible[:limit]:
            pk, occurred_at = incident.pk, incident.occurred_at
            category, organisation = incident.category, incident.organisation
            entries.append(
                TimelineEntry(
                    occurred_at,
                    "Incident",
                    str(categories.get(category, category)),
                    incident_url(pk),
                    f"{', '.join(sorted(roles[pk]))}; recorded by {organisation}",
                )
            )
    linked = list(
        CasePerson.objects.filter(person_id=person_id).values_list("case_id", flat=True)[:5000]
    )
    cases = (
        list(
            cases_visible_to(actor)
            .filter(pk__in=linked)
            .order_by("-opened_at")
            .values_list(
                "pk",
                "reference",
                "title",
                "opened_at",
                "closed_at",
                "outcome",
                "owner_organisation__name",
            )[:limit]
        )
        if linked
        else []
    )
    case_url = record_url("cases:detail")
    notes_url = record_url("cases:notes")
    titles: dict[int, str] = {}
    for pk, reference, title, opened_at, closed_at, outcome, organisation in cases:
        titles[pk] = f"{reference}: {title}"
        url = case_url(pk)
        entries.append(
            TimelineEntry(opened_at, "Case opened", titles[pk], url, f"Led by {organisation}")
        )
        if closed_at:
            entries.append(TimelineEntry(closed_at, "Case closed", titles[pk], url, outcome))
    if titles:
        newest_notes = (
            CaseNote.objects.filter(case_id__in=list(titles))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("case_id")],
                    order_by=[F("created_at").desc(), F("pk").desc()],
                ),
                start=Left("text", 200),
            )
            .filter(rank__lte=NOTES_PER_CASE)
            .values_list("case_id", "created_at", "start")
        )
        for case_id, created_at, text in newest_notes:
            entries.append(
                TimelineEntry(created_at, "Case note", titles[case_id], notes_url(case_id), text)
            )
    entries.extend(extensions.timeline_entries(actor, person_id))
    entries.sort(key=lambda e: e.occurred_at, reverse=True)
    return entries[:limit]
