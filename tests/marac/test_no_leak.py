"""No leaks: every risk, MARAC and referral page x every role x a record of the viewer's own
organisation, one shared with it, and another organisation's. A record the viewer may not
see is a 404 exactly like a missing one, and never appears in a list. Access derived from a
MARAC agenda or a referral ends with it: after the case leaves the agenda, the parent share
is stopped, or the referral is withdrawn or declined, the other agency gets 404 and the
records leave its lists, search, flag explanations and figures.

The purpose of access is given in advance (the purpose page itself is tested by part A), so
an allowed page answers 200 and a hidden one 404.
"""

import csv
import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.flags import person_flags
from saferhub.cases.purpose import purpose_scope, remember_purpose
from saferhub.incidents.models import Incident, Involvement
from saferhub.marac import services as marac_services
from saferhub.marac.models import MaracReferral
from saferhub.organisations import services as org_services
from saferhub.organisations.models import Organisation
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.people.matching import normalise_name
from saferhub.people.models import Person
from saferhub.referrals import services as referral_services
from saferhub.risk import services as risk_services
from saferhub.sharing import services as sharing_services
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare
from tests.risk.factories import da_case, dash_answers

pytestmark = pytest.mark.django_db

MISSING = 999_999


def share_to(owner: Any, organisation: Organisation, record_type: str, record_id: int) -> None:
    RecordShare.objects.create(
        record_type=record_type,
        record_id=record_id,
        owner_organisation=owner.organisation,
        organisation=organisation,
        access_level=AccessLevel.VIEW,
        legal_basis=LegalBasis.CDA_1998_S115,
        reason="Joint case",
        granted_by=owner.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def third(partnership: Any) -> Organisation:
    return org_services.organisation_create(
        actor=None,
        name="Testshire Fire and Rescue",
        kind=Organisation.Kind.FIRE_AND_RESCUE,
        partnerships=[partnership],
    )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("situation", ["own", "shared", "other"])
def test_every_page_every_role(
    client: Any,
    make_member: Any,
    organisations: dict[str, Any],
    third: Organisation,
    role: Role,
    situation: str,
) -> None:
    viewer = make_member(role, "own")
    owner = make_member(Role.CASEWORKER, "own" if situation == "own" else "other")
    coordinator = make_member(Role.MARAC_COORDINATOR, "own" if situation == "own" else "other")
    da, victim, *_ = da_case(owner)
    if situation == "shared":
        share_to(owner, organisations["own"], "case", da.pk)
        share_to(owner, organisations["own"], "person", victim.pk)
    assessment = risk_services.assessment_create(
        actor=owner.user, case=da, person=victim, kind="dash", answers=dash_answers(15)
    )
    referral = marac_services.referral_create(
        actor=owner.user,
        case=da,
        victim=victim,
        partnership=da.owner_organisation.partnerships.get(),
        criterion="visible_high_risk",
        reasons="High risk",
    )
    meeting_orgs = {
        "own": [organisations["own"]],
        "shared": [organisations["other"], organisations["own"]],
        "other": [organisations["other"]],
    }[situation]
    meeting = marac_services.meeting_create(
        actor=coordinator.user,
        partnership=referral.partnership,
        held_on=timezone.localdate(),
        organisations=meeting_orgs,
    )
    # on the 'shared' meeting this also shares the case with 'own' (ADR 0007)
    marac_services.agenda_add(actor=coordinator.user, meeting=meeting, referral=referral)
    # an inter-agency referral: from own (own), to own (shared), between two others (other)
    sender, receiver_org = {
        "own": (owner, organisations["other"]),
        "shared": (owner, organisations["own"]),
        "other": (owner, third),
    }[situation]
    inter = referral_services.referral_send(
        actor=sender.user,
        person=victim,
        to_organisation=receiver_org,
        service="victim_support",
        details="Support please",
        consent="given",
    )

    client.force_login(viewer.user)
    session = client.session
    for scope in (
        purpose_scope("case", da.pk),
        purpose_scope("person", victim.pk),
        purpose_scope("marac_meeting", meeting.pk),
        purpose_scope("referral", inter.pk),
        purpose_scope("case", MISSING),
        purpose_scope("person", MISSING),
        purpose_scope("marac_meeting", MISSING),
        purpose_scope("referral", MISSING),
    ):
        remember_purpose(session, scope, "Managing this case")
    session.save()

    sees = role_can(role, Capability.VIEW_PERSONAL_RECORDS)
    edits = role_can(role, Capability.EDIT_PERSONAL_RECORDS)
    manages = role_can(role, Capability.MANAGE_MARAC)
    visible = sees and situation in ("own", "shared")
    pages = {
        f"/risk/cases/{da.pk}/": visible,
        f"/risk/cases/{da.pk}/dash/new": edits and situation == "own",
        f"/risk/cases/{da.pk}/asb/new": edits and situation == "own",
        f"/risk/assessments/{assessment.pk}/": visible,
        f"/risk/people/{victim.pk}/community-trigger": visible,
        f"/marac/referrals/new?case={da.pk}": edits and situation == "own",
        f"/marac/referrals/new?assessment={assessment.pk}": edits and situation == "own",
        f"/marac/referrals/{referral.pk}/": visible or (manages and sees),
        f"/marac/meetings/{meeting.pk}/": visible,
        f"/marac/meetings/{meeting.pk}/minutes": manages and situation in ("own", "shared"),
        f"/referrals/{inter.pk}/": visible,
        f"/referrals/new?person={victim.pk}": edits and situation in ("own", "shared"),
    }
    for url, allowed in pages.items():
        response = client.get(url)
        expected = 200 if allowed else 404
        if not allowed and response.status_code == 403:
            expected = 403  # a capability the role lacks altogether: refused before any lookup
            assert not (sees and edits), url
        assert response.status_code == expected, (url, response.status_code)
        if not allowed:
            assert victim.family_name.encode() not in response.content, url
    for url in (
        f"/risk/cases/{MISSING}/",
        f"/risk/assessments/{MISSING}/",
        f"/risk/people/{MISSING}/community-trigger",
        f"/marac/referrals/{MISSING}/",
        f"/marac/meetings/{MISSING}/",
        f"/referrals/{MISSING}/",
    ):
        assert client.get(url).status_code in (403, 404), url

    # lists never show hidden records
    for url in ("/marac/", "/referrals/"):
        response = client.get(url)
        if not sees:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        shown = victim.family_name.encode() in response.content
        if url == "/referrals/":
            assert shown is (situation in ("own", "shared")), url
        else:
            assert shown is (visible or manages), url

    # writes on hidden records are 404 too, and change nothing
    item = meeting.items.get()
    action = marac_services.action_add(
        actor=coordinator.user,
        item=item,
        organisation=coordinator.organisation,
        description="Safety plan",
        due_on=timezone.localdate(),
    )
    posts = {
        f"/marac/meetings/{meeting.pk}/agenda": {"referral": referral.pk},
        f"/marac/items/{item.pk}/research": {f"item{item.pk}-text": "Found nothing"},
        f"/marac/items/{item.pk}/actions": {},
        f"/marac/actions/{action.pk}/complete": {},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        if not (visible and sees):
            assert response.status_code in (403, 404), (url, response.status_code)
    if not visible:
        assert not item.research_notes.exists()
        action.refresh_from_db()
        assert action.completed_at is None
    assert MaracReferral.objects.count() == 1


# --- Derived access ends with its origin (ADR 0009) ---------------------------------------

ENDINGS = ["agenda_removed", "parent_share_revoked", "referral_withdrawn", "referral_declined"]


def _figures_total(client: Any) -> int:
    response = client.get("/casework-figures/figures.csv?group_by=case_type")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return int(rows[-1][1])  # cases opened in the period, over the counted cases


@pytest.mark.parametrize("ending", ENDINGS)
def test_derived_access_ends_with_its_origin(
    client: Any, make_member: Any, organisations: dict[str, Any], ending: str
) -> None:
    """The police own a domestic abuse case; the council sees it only because the case is on
    a MARAC agenda, or because the police referred the victim to the council. When that
    origin ends (the case leaves the agenda, the owner stops the parent case share, the
    referral is withdrawn or declined), the council gets 404 on every detail page and the
    records leave its search results, MARAC lists, flag explanations and figures."""
    owner = make_member(Role.CASEWORKER, "other")
    coordinator = make_member(Role.MARAC_COORDINATOR, "other")
    viewer = make_member(Role.TEAM_MANAGER, "own")
    da, victim, perpetrator, incident, place = da_case(owner)
    Person.objects.filter(pk__in=[victim.pk, perpetrator.pk]).update(
        family_norm=normalise_name("Hollis")  # as the people service keeps it, for search
    )
    for days in (10, 20):  # three incidents between them: the escalation flag names them
        more = Incident.objects.create(
            owner_organisation=owner.organisation,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            category="domestic_abuse",
            place=place,
            created_by=owner.user,
        )
        Involvement.objects.create(incident=more, person=victim, role="victim")
        Involvement.objects.create(incident=more, person=perpetrator, role="perpetrator")
        da.incidents.add(more)
    via_marac = ending in ("agenda_removed", "parent_share_revoked")
    meeting = inter = item = None
    if via_marac:
        referral = marac_services.referral_create(
            actor=owner.user,
            case=da,
            victim=victim,
            partnership=da.owner_organisation.partnerships.get(),
            criterion="visible_high_risk",
            reasons="High risk",
        )
        meeting = marac_services.meeting_create(
            actor=coordinator.user,
            partnership=referral.partnership,
            held_on=timezone.localdate() + datetime.timedelta(days=7),
        )
        item, shares = marac_services.agenda_add(
            actor=coordinator.user, meeting=meeting, referral=referral
        )
        details = {
            f"/people/{victim.pk}/": True,
            f"/people/{perpetrator.pk}/": True,
            f"/cases/{da.pk}/": True,
            f"/cases/{da.pk}/people": True,
            f"/incidents/{incident.pk}/": True,
            f"/places/{place.pk}/": True,
            f"/marac/referrals/{referral.pk}/": True,
            f"/risk/cases/{da.pk}/": True,
        }
    else:
        inter = referral_services.referral_send(
            actor=owner.user,
            person=victim,
            case=da,
            to_organisation=organisations["own"],
            service="domestic_abuse_service",
            details="IDVA support please",
            consent="given",
        )
        shares = list(RecordShare.objects.filter(origin_type="referral", origin_id=inter.pk))
        details = {
            f"/people/{victim.pk}/": True,
            f"/cases/{da.pk}/": True,
            f"/cases/{da.pk}/people": True,
            f"/referrals/{inter.pk}/": True,
            f"/incidents/{incident.pk}/": False,  # never shared by a referral
            f"/people/{perpetrator.pk}/": False,
        }
    assert {s.record_type for s in shares} >= {"person", "case"}

    client.force_login(viewer.user)
    session = client.session
    for scope in (
        purpose_scope("case", da.pk),
        purpose_scope("person", victim.pk),
        purpose_scope("person", perpetrator.pk),
        purpose_scope("incident", incident.pk),
        purpose_scope("place", place.pk),
        purpose_scope("marac_meeting", meeting.pk if meeting else MISSING),
        purpose_scope("referral", inter.pk if inter else MISSING),
    ):
        remember_purpose(session, scope, "Managing this case")
    session.save()

    def check(shared: bool) -> None:
        for url, while_shared in details.items():
            allowed = shared and while_shared
            if url.startswith("/referrals/") and ending == "referral_declined":
                allowed = True  # the council keeps its own decision on a declined referral
            status = client.get(url).status_code
            assert status == (200 if allowed else 404), (ending, shared, url, status)
        for kind, text in (("people", "Hollis"), ("cases", da.reference)):
            page = client.get("/search/", {"q": text, "kind": kind}).content.decode()
            assert ("Dana Hollis" in page or da.reference in page.split("</form>")[-1]) is (
                shared
            ), (ending, kind)
        if via_marac:
            found = client.get("/search/", {"q": "Example Road", "kind": "places"})
            results = found.content.decode().split("</form>")[-1]
            assert ("1 Example Road" in results) is shared, ending
            assert ("Hollis" in client.get("/marac/").content.decode()) is shared
            agenda = client.get(f"/marac/meetings/{meeting.pk}/")  # type: ignore[union-attr]
            assert agenda.status_code == 200  # the council still sits on the meeting
            assert ("Hollis" in agenda.content.decode()) is shared, ending
        else:
            inbox = client.get("/referrals/").content.decode()
            assert ("Hollis" in inbox) is (shared or ending == "referral_declined")
        shown = person_flags(actor=viewer.user, person_id=victim.pk)
        causes = [c for f in shown.flags for c in f.causes]
        kinds = {f.kind for f in shown.flags}
        if shared and via_marac:
            assert len(causes) == 3 and "marac_referral" in kinds
        else:
            assert causes == [] and "marac_referral" not in kinds
            assert all("Hollis" not in f.about for f in shown.flags)
        assert _figures_total(client) == (1 if shared else 0)

    check(shared=True)
    if ending == "agenda_removed":
        assert item is not None
        revoked = marac_services.agenda_remove(
            actor=coordinator.user, item=item, reason="Referred to the wrong MARAC"
        )
    elif ending == "parent_share_revoked":
        parent = next(s for s in shares if s.record_type == "case")
        revoked = sharing_services.share_revoke(
            actor=owner.user, share=parent, reason="No longer needed by the council"
        )
    elif ending == "referral_withdrawn":
        assert inter is not None
        referral_services.referral_withdraw(
            actor=owner.user, referral=inter, reason="Sent in error", version=inter.version
        )
        revoked = list(RecordShare.objects.filter(revoked_at__isnull=False))
    else:
        assert inter is not None
        referral_services.referral_decide(
            actor=viewer.user,
            referral=inter,
            decision="declined",
            reason="Outside our service",
            version=inter.version,
        )
        revoked = list(RecordShare.objects.filter(revoked_at__isnull=False))
    assert {s.pk for s in revoked} == {s.pk for s in shares}
    assert not RecordShare.objects.filter(revoked_at__isnull=True).exists()
    events = AuditEvent.objects.filter(action="record.share_revoked")
    assert events.count() == len(shares)
    assert {e.operation for e in events} == {"disclosure"}
    assert all(e.purpose for e in events)
    check(shared=False)
