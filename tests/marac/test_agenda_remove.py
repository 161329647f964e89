"""Taking a case off a MARAC agenda: the shares the agenda created end (and only those),
research and actions recorded for it go, positions close up, everything audited; the page
asks for a reason with a GOV.UK error and is 404 for anyone who may not run the meeting."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.access import cases_visible_to
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.marac import services
from saferhub.marac.models import AgendaItem, MaracAction, ResearchNote
from saferhub.organisations.rules import Role
from saferhub.people.access import people_visible_to
from saferhub.sharing.models import RecordShare
from tests.risk.factories import da_case

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=7)


def on_agenda(worker: Any, coordinator: Any, meeting: Any = None) -> tuple[Any, Any, Any]:
    da, victim, *_ = da_case(worker)
    referral = services.referral_create(
        actor=worker.user,
        case=da,
        victim=victim,
        partnership=da.owner_organisation.partnerships.get(),
        criterion="visible_high_risk",
        reasons="High risk",
    )
    meeting = meeting or services.meeting_create(
        actor=coordinator.user, partnership=referral.partnership, held_on=SOON
    )
    item, _shares = services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    return item, da, victim


def test_taking_a_case_off_the_agenda_ends_only_its_shares(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    police = make_member(Role.CASEWORKER, "other")
    first, da, victim = on_agenda(worker, coordinator)
    second, other_case, _ = on_agenda(worker, coordinator, meeting=first.meeting)
    # the police also see the first case through another meeting's agenda
    later = services.meeting_create(
        actor=coordinator.user,
        partnership=first.meeting.partnership,
        held_on=SOON + datetime.timedelta(days=28),
    )
    services.agenda_add(actor=coordinator.user, meeting=later, referral=first.referral)
    ResearchNote.objects.create(
        item=first, organisation=police.organisation, author=police.user, text="Two call-outs"
    )
    services.action_add(
        actor=coordinator.user,
        item=first,
        organisation=police.organisation,
        description="Flag the address",
        due_on=SOON,
    )
    revoked = services.agenda_remove(actor=coordinator.user, item=first, reason="Duplicate")
    assert {(s.origin_type, s.origin_id) for s in revoked} == {("marac_agenda_item", first.pk)}
    assert len(revoked) == 5 and all(s.revoked_by == coordinator.user for s in revoked)
    assert not AgendaItem.objects.filter(pk=first.pk).exists()
    assert not ResearchNote.objects.exists() and not MaracAction.objects.exists()
    second.refresh_from_db()
    assert second.position == 1
    # the later meeting still shares the first case; the second case is untouched
    assert da in cases_visible_to(police.user)
    assert victim in people_visible_to(police.user)
    assert other_case in cases_visible_to(police.user)
    assert RecordShare.objects.filter(revoked_at__isnull=True).count() == 10
    removed = AuditEvent.objects.get(action="marac_agenda.case_removed")
    assert removed.purpose == "Duplicate" and removed.subject_id == str(victim.pk)
    assert removed.payload["research_notes_deleted"] == 1
    assert removed.payload["actions_deleted"] == 1
    assert sorted(removed.payload["shares_revoked"]) == sorted(s.pk for s in revoked)
    assert AuditEvent.objects.filter(action="record.share_revoked").count() == 5


def test_refusals(make_member: Any, organisations: dict[str, Any]) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    item, *_ = on_agenda(worker, coordinator)
    with pytest.raises(PermissionDenied):
        services.agenda_remove(actor=worker.user, item=item, reason="Not mine to remove")
    with pytest.raises(ValidationError) as raised:
        services.agenda_remove(actor=coordinator.user, item=item, reason="  ")
    assert "reason" in raised.value.message_dict
    services.minutes_save(
        actor=coordinator.user, meeting=item.meeting, minutes="Held", held=True, version=1
    )
    with pytest.raises(ValidationError, match="not been held"):
        services.agenda_remove(actor=coordinator.user, item=item, reason="Too late")
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert not RecordShare.objects.filter(revoked_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="marac_agenda.case_removed").exists()


def test_the_page_asks_for_a_reason_and_hides_from_others(
    client: Any, make_member: Any, organisations: dict[str, Any]
) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    item, *_ = on_agenda(worker, coordinator)
    url = f"/marac/items/{item.pk}/remove"
    for member in (worker, make_member(Role.MARAC_COORDINATOR, "own")):
        client.force_login(member.user)
        session = client.session
        remember_purpose(session, purpose_scope("marac_meeting", item.meeting_id), "MARAC")
        session.save()
        status = client.get(url).status_code
        # a caseworker may not run the meeting; a coordinator of 'own' sits on it and may
        assert status == (404 if member is worker else 200), status
    client.force_login(coordinator.user)
    session = client.session
    remember_purpose(session, purpose_scope("marac_meeting", item.meeting_id), "MARAC")
    session.save()
    page = client.get(f"/marac/meetings/{item.meeting_id}/").content.decode()
    assert url in page
    # the owner's sharing page says why the case is shared
    client.force_login(worker.user)
    shares = client.get(f"/sharing/case/{item.referral.case_id}/").content.decode()
    assert "While the case is on a MARAC agenda" in shares
    client.force_login(coordinator.user)
    session = client.session
    remember_purpose(session, purpose_scope("marac_meeting", item.meeting_id), "MARAC")
    session.save()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "Enter why you are taking this case off the agenda" in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    response = client.post(url, {"reason": "Referred to the wrong MARAC"})
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert client.get(url).status_code == 404


def test_shares_made_before_origins_existed_are_linked_by_the_migration(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    from django.apps import apps

    migration = importlib.import_module("saferhub.marac.migrations.0003_link_agenda_shares")
    worker = make_member(Role.CASEWORKER, "own")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    item, *_ = on_agenda(worker, coordinator)
    unrelated = RecordShare.objects.create(
        record_type="case",
        record_id=item.referral.case_id,
        owner_organisation=worker.organisation,
        organisation=organisations["other"],
        legal_basis="cda_1998_s115",
        reason="Joint working",
        granted_by=worker.user,
        expires_on=SOON,
    )
    RecordShare.objects.update(origin_type="", origin_id=None, cascaded_from=None)
    migration.link_agenda_shares(apps, None)
    linked = RecordShare.objects.filter(origin_type="marac_agenda_item", origin_id=item.pk)
    assert linked.count() == 5
    parent = linked.get(record_type="case")
    assert set(linked.exclude(pk=parent.pk).values_list("cascaded_from", flat=True)) == {parent.pk}
    unrelated.refresh_from_db()
    assert unrelated.origin_type == "" and unrelated.cascaded_from is None
