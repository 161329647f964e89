"""MARAC reads: the MARAC home page lists, a referral, a meeting with its agenda, research,
actions and (restricted) minutes, the quarterly data form figures, and what part A's flags
need. Reads of personal data are audited as consultations with the purpose given."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from saferhub.analytics.geography import population_for
from saferhub.audit.rules import Operation
from saferhub.audit.services import Actor, audit_record
from saferhub.cases.extensions import TimelineEntry
from saferhub.cases.flags import flag_rules_for
from saferhub.cases.models import Case
from saferhub.cases.rules import months_before
from saferhub.incidents.access import incidents_visible_to
from saferhub.incidents.rules import is_domestic_abuse
from saferhub.marac import rules
from saferhub.marac.access import (
    can_read_minutes,
    items_visible_to,
    manages_marac,
    marac_partnerships,
    meetings_visible_to,
    referrals_visible_to,
)
from saferhub.marac.models import AgendaItem, MaracMeeting, MaracReferral
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.models import Partnership
from saferhub.people.models import Person


def last_referral_on(person: Person) -> datetime.date | None:
    """The date of the person's latest MARAC referral as a victim, in any partnership, or
    None. For part A's "MARAC referral in the last 12 months" flag: in the window when
    `saferhub.cases.rules.in_window(day, today=today, months=12)`.

    This ignores who is looking: to explain the flag to a member, list only
    `referrals_for_flag(user, person)`, which returns the referrals they may see. Show the
    flag without its explanation ("referred to MARAC in the last 12 months") when the
    member may see the person but none of the referrals.
    """
    referral = (
        MaracReferral.objects.filter(victim=person)
        .order_by("-referred_on")
        .only("referred_on")
        .first()
    )
    return referral.referred_on if referral else None


def referrals_for_flag(
    user: AnyUser, person: Person, *, today: datetime.date | None = None
) -> list[MaracReferral]:
    """The person's MARAC referrals in the 12 months to `today` that `user` may see, newest
    first (for a flag's explanation; not audited: the person page audits its own view)."""
    today = today or timezone.localdate()
    return list(
        referrals_visible_to(user)
        .filter(victim=person, referred_on__gte=months_before(today, 12), referred_on__lte=today)
        .select_related("referring_organisation")
        .order_by("-referred_on")
    )


@dataclass(frozen=True)
class MaracHome:
    """What the MARAC page lists for a member."""

    upcoming: list[MaracMeeting]
    past: list[MaracMeeting]
    awaiting: list[MaracReferral]
    recent: list[MaracReferral]
    manages: bool


def marac_home(*, actor: Actor) -> MaracHome:
    """Meetings the actor's organisation sits on; referrals awaiting a meeting (for
    coordinators) and recent referrals they may see. Audited (victims' names are listed)."""
    today = timezone.localdate()
    meetings = meetings_visible_to(actor).select_related("partnership").order_by("held_on")
    upcoming = list(meetings.filter(status=MaracMeeting.Status.PLANNED))
    past = list(meetings.filter(status=MaracMeeting.Status.HELD).order_by("-held_on")[:20])
    visible = referrals_visible_to(actor).select_related("victim", "case", "referring_organisation")
    manages = manages_marac(actor)
    awaiting = (
        list(
            visible.filter(
                partnership__in=marac_partnerships(actor).values("pk"),
                agenda_items__isnull=True,
            ).order_by("referred_on")
        )
        if manages
        else []
    )
    recent = list(
        visible.filter(referred_on__gte=today - datetime.timedelta(days=90)).order_by(
            "-referred_on"
        )[:50]
    )
    audit_record(
        actor=actor,
        action="marac_referral.list_viewed",
        operation=Operation.CONSULTATION,
        target_type="marac_referral",
        payload={"referrals": sorted({r.pk for r in awaiting + recent})[:200]},
    )
    return MaracHome(upcoming, past, awaiting, recent, manages)


def referral_detail(*, actor: Actor, referral: MaracReferral, purpose: str) -> MaracReferral:
    """One referral for its page, audited as a consultation of the victim's record."""
    audit_record(
        actor=actor,
        action="marac_referral.viewed",
        operation=Operation.CONSULTATION,
        target_type="marac_referral",
        target_id=referral.pk,
        record_owner_organisation_id=referral.case.owner_organisation_id,
        subject_id=referral.victim_id,
        purpose=purpose,
    )
    return referral


@dataclass(frozen=True)
class MeetingView:
    """A meeting page: agenda items with research and actions; minutes if permitted."""

    meeting: MaracMeeting
    items: list[AgendaItem]
    organisations: list[tuple[int, str]]
    minutes_visible: bool
    manages: bool


def meeting_detail(*, actor: Actor, meeting: MaracMeeting, purpose: str) -> MeetingView:
    """The meeting with its agenda items the actor may see (each victim, case, criterion,
    research notes and actions); the minutes only for those who may read them. Audited once
    per page, naming the victims."""
    items = list(
        items_visible_to(actor)
        .filter(meeting=meeting)
        .select_related(
            "referral",
            "referral__victim",
            "referral__case",
            "referral__referring_organisation",
        )
        .prefetch_related(
            "research_notes__organisation", "research_notes__author", "actions__organisation"
        )
    )
    organisations = list(meeting.organisations.order_by("name").values_list("pk", "name"))
    audit_record(
        actor=actor,
        action="marac_meeting.viewed",
        operation=Operation.CONSULTATION,
        target_type="marac_meeting",
        target_id=meeting.pk,
        purpose=purpose,
        payload={"victims": [i.referral.victim_id for i in items][:200]},
    )
    return MeetingView(
        meeting,
        items,
        organisations,
        can_read_minutes(actor, meeting),
        manages_marac(actor) and membership_of(actor) is not None,
    )


def population_from_warehouse(partnership: Partnership, year: int) -> int | None:
    """The partnership's resident population (ONS mid-year estimate, or the latest before
    `year`) from the warehouse, opened read-only; None where no warehouse or no estimate."""
    path = Path(settings.WAREHOUSE_PATH)
    if not partnership.code or not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        figure = population_for(con, partnership.code, year)
    except duckdb.Error:
        return None
    finally:
        con.close()
    return figure.population if figure else None


@dataclass(frozen=True)
class DataFormView:
    """The data form figures with the volume against the SafeLives expectation."""

    partnership: Partnership
    form: rules.DataForm
    volume: rules.Volume | None
    population: int | None


def data_form(
    *,
    actor: Actor,
    partnership: Partnership,
    start: datetime.date,
    end: datetime.date,
    adult_women: int | None = None,
) -> DataFormView:
    """The quarterly MARAC data form for a partnership's meetings held in the period: each
    referral discussed counts once. Counts only, for coordinators of the partnership (the
    caller checked marac_partnerships). Population: the adult women entered, else 41% of the
    warehouse's resident population for the partnership's ONS code."""
    meetings = MaracMeeting.objects.filter(
        partnership=partnership, held_on__gte=start, held_on__lte=end
    )
    referrals = (
        MaracReferral.objects.filter(agenda_items__meeting__in=meetings)
        .select_related("referring_organisation")
        .distinct()
    )
    cases = [
        rules.DiscussedCase(
            is_repeat=r.is_repeat,
            children_in_household=r.children_in_household,
            referring_agency=r.referring_organisation.get_kind_display(),
            gender=r.victim_gender,
            ethnicity=r.victim_ethnicity,
            disability=r.get_victim_disability_display(),
            lgbt_plus=r.get_victim_lgbt_plus_display(),
            age=r.victim_age,
        )
        for r in referrals
    ]
    form = rules.data_form(cases, start=start, end=end, meetings=meetings.count())
    population = None if adult_women else population_from_warehouse(partnership, end.year)
    volume = rules.expected_volume(
        form.cases, start=start, end=end, adult_women=adult_women, population=population
    )
    audit_record(
        actor=actor,
        action="marac_data_form.viewed",
        operation=Operation.NONE,
        target_type="partnership",
        target_id=partnership.pk,
        payload={"start": start.isoformat(), "end": end.isoformat(), "cases": form.cases},
    )
    return DataFormView(partnership, form, volume, population)


def visible_referral_dates(actor: AnyUser, person_id: int) -> list[tuple[int, datetime.date]]:
    """(referral id, referred on) of the person's MARAC referrals as a victim that the actor
    may see: the source of part A's "MARAC referral in the last 12 months" flag
    (cases.extensions.register_marac_referrals). The person's few referral ids first, then
    the visibility rule on those (most people have none)."""
    ids = _referral_ids_of(person_id)
    if not ids:
        return []
    return list(
        referrals_visible_to(actor)
        .filter(pk__in=ids)
        .order_by("-referred_on")
        .values_list("pk", "referred_on")
    )


def _referral_ids_of(person_id: int) -> list[int]:
    return list(
        MaracReferral.objects.filter(victim_id=person_id)
        .order_by("-referred_on")
        .values_list("pk", flat=True)[:500]
    )


def timeline_for_person(actor: AnyUser, person_id: int) -> list[TimelineEntry]:
    """The person's MARAC referrals the actor may see, for the person page's timeline."""
    ids = _referral_ids_of(person_id)
    if not ids:
        return []
    return [
        TimelineEntry(
            occurred_at=timezone.make_aware(
                datetime.datetime.combine(r.referred_on, datetime.time(9))
            ),
            kind="MARAC referral",
            title=f"Referred to MARAC by {r.referring_organisation.name}"
            + (" (repeat)" if r.is_repeat else ""),
            url=reverse("marac:referral-detail", args=[r.pk]),
            detail=r.get_criterion_display(),
        )
        for r in referrals_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("referring_organisation")
    ]


def case_people_for_referral(*, actor: Actor, case: Case, purpose: str) -> list[tuple[int, str]]:
    """The case's people (id, "name (role)") offered as the victim on the MARAC referral
    form; audited as a consultation of the case."""
    people = [
        (link.person_id, f"{link.person.full_name} ({link.role})")
        for link in case.case_people.select_related("person")
        .filter(person__erased_at__isnull=True)
        .order_by("person__family_name", "person__given_name")
    ]
    audit_record(
        actor=actor,
        action="marac_referral.form_viewed",
        operation=Operation.CONSULTATION,
        target_type="case",
        target_id=case.pk,
        record_owner_organisation_id=case.owner_organisation_id,
        purpose=purpose,
        payload={"people": [pk for pk, _ in people]},
    )
    return people


def escalation_on_case(
    *, actor: AnyUser, case: Case, today: datetime.date | None = None
) -> list[str]:
    """Names of the case's victims with enough domestic abuse incidents in the window,
    among the incidents the actor may see, to meet the potential escalation criterion
    (marac.rules.potential_escalation with the partnership's flag thresholds, the same as
    the potential escalation flag: 3 in 12 months by default). Suggests the criterion on
    the referral form; the officer decides."""
    today = today or timezone.localdate()
    rule = flag_rules_for(actor)
    since = timezone.make_aware(
        datetime.datetime.combine(months_before(today, rule.escalation_months), datetime.time.min)
    )
    names: list[str] = []
    for link in case.case_people.select_related("person").filter(role="victim"):
        dates = [
            timezone.localtime(i.occurred_at).date()
            for i in incidents_visible_to(actor)
            .filter(involvements__person_id=link.person_id, occurred_at__gte=since)
            .distinct()
            if is_domestic_abuse(i.category, i.markers or [])
        ]
        if rules.potential_escalation(
            dates, on=today, incidents=rule.escalation_count, months=rule.escalation_months
        ):
            names.append(link.person.full_name)
    return names
