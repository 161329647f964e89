"""MARAC services: repeat detection at 364, 365 and 366 days, errors and audit, agenda
shares, minutes locking, the data form with the warehouse population, and the hooks part A's
flags, timeline and merges call."""

import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases import extensions
from saferhub.cases.flags import person_flags
from saferhub.marac import selectors, services
from saferhub.marac.models import MaracReferral
from saferhub.organisations.rules import Role
from saferhub.risk import services as risk_services
from saferhub.sharing.models import RecordShare
from tests.risk.factories import da_case, dash_answers, person

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def refer(owner: Any, case: Any, victim: Any, on: datetime.date, **kwargs: Any) -> MaracReferral:
    return services.referral_create(
        actor=owner.user,
        case=case,
        victim=victim,
        partnership=case.owner_organisation.partnerships.get(),
        criterion=kwargs.pop("criterion", "visible_high_risk"),
        reasons="High risk on DASH",
        referred_on=on,
        **kwargs,
    )


@pytest.mark.parametrize(("days", "repeat"), [(364, True), (365, True), (366, False)])
def test_repeat_detected_within_12_months(make_member: Any, days: int, repeat: bool) -> None:
    worker = make_member(Role.CASEWORKER)
    da, victim, *_ = da_case(worker)
    second_on = timezone.localdate() - 10 * DAY
    first_on = second_on - days * DAY
    if (first_on.month, first_on.day) == (2, 29) or any(
        (d.month, d.day) == (2, 29) for d in (first_on + i * DAY for i in range(days + 1))
    ):
        pytest.skip("a 29 February in the window moves the anniversary (covered in the rules)")
    first = refer(worker, da, victim, first_on)
    second = refer(worker, da, victim, second_on, criterion="professional_judgement")
    assert not first.is_repeat
    assert second.is_repeat is repeat
    assert second.previous_referral == (first if repeat else None)
    assert second.criterion == "professional_judgement"  # the criterion given is kept
    event = AuditEvent.objects.filter(action="marac_referral.created").order_by("pk").last()
    assert event is not None and event.operation == "disclosure"
    assert event.payload["is_repeat"] is repeat and event.subject_id == str(victim.pk)


def test_referral_records_the_victim_as_they_are(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, victim, *_ = da_case(worker)
    victim.ethnicity = "Mixed: White and Black Caribbean"
    victim.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 17)
    victim.save()
    r = refer(
        worker, da, victim, timezone.localdate(), victim_lgbt_plus="yes", children_in_household=3
    )
    assert (r.victim_gender, r.victim_age, r.victim_lgbt_plus) == ("Female", 17, "yes")
    assert r.victim_ethnicity == "Mixed: White and Black Caribbean"


def test_referral_errors(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER)
    da, *_ = da_case(worker)
    stranger = person(worker, "Nina", "Stone")
    with pytest.raises(ValidationError) as raised:
        services.referral_create(
            actor=worker.user,
            case=da,
            victim=stranger,
            partnership=da.owner_organisation.partnerships.get(),
            criterion="because",
            reasons=" ",
            referred_on=timezone.localdate() + DAY,
        )
    assert set(raised.value.message_dict) == {"victim", "criterion", "reasons", "referred_on"}
    assert not MaracReferral.objects.exists()


def test_agenda_shares_the_case_with_member_organisations(
    make_member: Any, organisations: Any
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    da, victim, *_ = da_case(worker)
    referral = refer(worker, da, victim, timezone.localdate())
    meeting = services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=timezone.localdate()
    )
    assert set(meeting.organisations.all()) == {organisations["own"], organisations["other"]}
    item, shares = services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    assert item.position == 1
    assert {s.record_type for s in shares} == {"case", "person", "incident", "place"}
    assert all(
        s.organisation == organisations["other"] and s.legal_basis == "cda_1998_s115"
        for s in shares
    )
    assert all(s.expires_on == meeting.held_on + datetime.timedelta(days=365) for s in shares)
    with pytest.raises(ValidationError, match="already on the agenda"):
        services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    assert {(s.origin_type, s.origin_id) for s in shares} == {("marac_agenda_item", item.pk)}
    parent = next(s for s in shares if s.record_type == "case")
    assert all(s.cascaded_from == parent for s in shares if s is not parent)
    # a second meeting holds its own shares, so each agenda can end without the other
    later = services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=timezone.localdate() - DAY
    )
    other_item, again = services.agenda_add(
        actor=coordinator.user, meeting=later, referral=referral
    )
    assert len(again) == 5
    assert {s.origin_id for s in again} == {other_item.pk}
    assert RecordShare.objects.count() == 10
    with pytest.raises(PermissionDenied):
        services.agenda_add(actor=worker.user, meeting=meeting, referral=referral)


def test_held_meetings_take_no_new_cases_and_minutes_are_locked(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "own")
    da, victim, *_ = da_case(worker)
    referral = refer(worker, da, victim, timezone.localdate())
    meeting = services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=timezone.localdate()
    )
    services.minutes_save(
        actor=coordinator.user, meeting=meeting, minutes="Notes", held=True, version=1
    )
    with pytest.raises(services.StaleEditError):
        services.minutes_save(
            actor=coordinator.user, meeting=meeting, minutes="Other", held=True, version=1
        )
    with pytest.raises(ValidationError, match="not been held"):
        services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)


def test_actions_and_research(make_member: Any, organisations: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    coordinator = make_member(Role.MARAC_COORDINATOR, "own")
    da, victim, *_ = da_case(worker)
    referral = refer(worker, da, victim, timezone.localdate())
    meeting = services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=timezone.localdate()
    )
    item, _ = services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    note = services.research_note_add(
        actor=police.user, item=item, text="Known to police: 3 call-outs"
    )
    assert note.organisation == organisations["other"]
    with pytest.raises(ValidationError):
        services.research_note_add(actor=police.user, item=item, text=" ")
    with pytest.raises(ValidationError) as raised:
        services.action_add(
            actor=coordinator.user,
            item=item,
            organisation=organisations["other"],
            description="",
            due_on=meeting.held_on - DAY,
        )
    assert set(raised.value.message_dict) == {"description", "due_on"}
    action = services.action_add(
        actor=coordinator.user,
        item=item,
        organisation=organisations["other"],
        description="Flag the address",
        due_on=meeting.held_on + 7 * DAY,
    )
    with pytest.raises(PermissionDenied):
        services.action_complete(actor=worker.user, action=action)  # not their agency's action
    services.action_complete(actor=police.user, action=action)
    with pytest.raises(ValidationError, match="already complete"):
        services.action_complete(actor=coordinator.user, action=action)
    assert AuditEvent.objects.filter(action="marac_action.completed").count() == 1


def test_data_form_with_warehouse_population(
    make_member: Any, partnership: Any, settings: Any, tmp_path: Path
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "own")
    partnership.code = "E22000999"
    partnership.save()
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(
        "CREATE TABLE population (area_code VARCHAR, area_name VARCHAR, year INTEGER, population BIGINT)"
    )
    con.execute("INSERT INTO population VALUES ('E22000999', 'Testshire', 2020, 122000)")
    con.close()
    settings.WAREHOUSE_PATH = warehouse
    today = timezone.localdate()
    da, victim, *_ = da_case(worker)
    refer(worker, da, victim, today - 400 * DAY)
    referral = refer(worker, da, victim, today - 30 * DAY, children_in_household=2)
    referral2 = refer(worker, da, victim, today - 20 * DAY)
    meeting = services.meeting_create(
        actor=coordinator.user, partnership=partnership, held_on=today - 5 * DAY
    )
    services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral2)
    view = selectors.data_form(
        actor=coordinator.user, partnership=partnership, start=today - 90 * DAY, end=today
    )
    assert (view.form.cases, view.form.repeats, view.form.children, view.form.meetings) == (
        2,
        1,
        2,
        1,
    )
    assert view.form.repeat_percent == 50.0
    assert view.population == 122000
    assert view.volume is not None and view.volume.adult_women == 50020
    entered = selectors.data_form(
        actor=coordinator.user,
        partnership=partnership,
        start=today - 90 * DAY,
        end=today,
        adult_women=10000,
    )
    assert entered.volume is not None and not entered.volume.adult_women_estimated
    settings.WAREHOUSE_PATH = tmp_path / "missing.duckdb"
    assert (
        selectors.data_form(
            actor=coordinator.user, partnership=partnership, start=today - 90 * DAY, end=today
        ).volume
        is None
    )


def test_hooks_feed_flags_timeline_and_merges(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    outsider = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)
    referral = refer(worker, da, victim, timezone.localdate() - 30 * DAY)
    assert selectors.last_referral_on(victim) == referral.referred_on
    assert extensions.marac_source_registered()
    assert extensions.marac_referrals(worker.user, victim.pk) == [
        (referral.pk, referral.referred_on)
    ]
    assert extensions.marac_referrals(outsider.user, victim.pk) == []
    kinds = {f.kind for f in person_flags(actor=worker.user, person_id=victim.pk).flags}
    assert any("marac" in k for k in kinds)
    risk_services.assessment_create(
        actor=worker.user, case=da, person=victim, kind="dash", answers=dash_answers(3)
    )
    entries = {e.kind for e in extensions.timeline_entries(worker.user, victim.pk)}
    assert {"MARAC referral", "DASH assessment"} <= entries
    assert extensions.timeline_entries(outsider.user, victim.pk) == []
    duplicate = person(worker, "Dana", "Holis")
    MaracReferral.objects.filter(pk=referral.pk).update(victim=duplicate)
    extensions.run_merge_hooks(victim.pk, duplicate.pk)
    referral.refresh_from_db()
    assert referral.victim_id == victim.pk


def test_potential_escalation_is_suggested_from_visible_incidents(make_member: Any) -> None:
    from saferhub.incidents.models import Incident, Involvement

    worker = make_member(Role.CASEWORKER, "own")
    police = make_member(Role.CASEWORKER, "other")
    da, victim, *_ = da_case(worker)  # one domestic abuse incident already

    def incident(owner: Any, days_ago: int) -> None:
        created = Incident.objects.create(
            owner_organisation=owner.organisation,
            occurred_at=timezone.now() - days_ago * DAY,
            category="crime:Violence and sexual offences",
            markers=["domestic_abuse"],
            created_by=owner.user,
        )
        Involvement.objects.create(incident=created, person=victim, role="victim")

    incident(worker, 100)
    incident(police, 50)  # not shared: does not count for the worker
    assert selectors.escalation_on_case(actor=worker.user, case=da) == []
    incident(worker, 400)  # more than 12 months ago
    assert selectors.escalation_on_case(actor=worker.user, case=da) == []
    incident(worker, 200)
    assert selectors.escalation_on_case(actor=worker.user, case=da) == ["Dana Hollis"]


def test_an_incident_exactly_twelve_months_ago_counts_for_the_suggestion_and_the_flag(
    make_member: Any,
) -> None:
    """The referral form's potential escalation suggestion and the person's potential
    escalation flag share one window: its first day (12 months ago today) counts in both."""
    from saferhub.cases.rules import months_before
    from saferhub.incidents.models import Incident, Involvement

    worker = make_member(Role.CASEWORKER, "own")
    da, victim, perpetrator, *_ = da_case(worker)  # one incident two days ago
    today = timezone.localdate()

    def incident(day: datetime.date) -> Incident:
        created = Incident.objects.create(
            owner_organisation=worker.organisation,
            occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 5))),
            category="domestic_abuse",
            created_by=worker.user,
        )
        Involvement.objects.create(incident=created, person=victim, role="victim")
        Involvement.objects.create(incident=created, person=perpetrator, role="perpetrator")
        return created

    def flagged() -> bool:
        flags = person_flags(actor=worker.user, person_id=victim.pk, today=today).flags
        return any(f.kind == "potential_escalation" for f in flags)

    incident(today - 30 * DAY)
    oldest = incident(months_before(today, 12) - DAY)  # the day before the window
    assert selectors.escalation_on_case(actor=worker.user, case=da, today=today) == []
    assert not flagged()
    Incident.objects.filter(pk=oldest.pk).update(
        occurred_at=timezone.make_aware(
            datetime.datetime.combine(months_before(today, 12), datetime.time(0, 5))
        )
    )
    assert selectors.escalation_on_case(actor=worker.user, case=da, today=today) == ["Dana Hollis"]
    assert flagged()
