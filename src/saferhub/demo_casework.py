"""Demo case work for fictional Lindenshire: people, places, incidents, cases, shares and
(where those apps are installed) risk assessments, referrals and a MARAC meeting.

Every name, address and event here is invented; the postcodes use the area "LX", which
does not exist. Records are made through the same services the pages use, so the audit
trail, flags and case histories are real; afterwards some dates are moved into the past
(a demo needs months of history, and the services stamp records with today's date).

Seeding twice changes nothing: the case work is seeded once, marked by its first case.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from saferhub.cases import services as cases
from saferhub.cases.models import Case
from saferhub.incidents import services as incidents
from saferhub.incidents.models import Incident
from saferhub.marac import services as marac_services
from saferhub.organisations.models import Organisation, Partnership
from saferhub.people import services as people
from saferhub.people.models import Person
from saferhub.places import services as places
from saferhub.places.models import Place
from saferhub.referrals import services as referrals_services
from saferhub.risk import services as risk_services
from saferhub.sharing import services as sharing
from saferhub.sharing.registry import access_record

MARKER_TITLE = "Intimidation and noise at Larch Court"

# The demo warehouse's fictional districts (performance.demo_warehouse): places carry them
# so the casework figures can be shown by district.
DISTRICTS = {
    "Brackenford": ("E07900001", "E05900001"),
    "Carrow": ("E07900002", "E05900013"),
    "Dunmere": ("E07900003", "E05900023"),
    "Eskholm": ("E06900001", "E05900032"),
}


def _ago(days: int, hour: int = 21) -> datetime.datetime:
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=15, second=0, microsecond=0)


class _Seeder:
    """Holds the demo members and what has been made so far."""

    def __init__(self) -> None:
        users = get_user_model().objects.select_related("membership")
        self.user = {u.username: u for u in users.filter(username__in=_USERNAMES)}
        self.created: list[str] = []

    def person(self, who: str, given: str, family: str, **fields: Any) -> Person:
        person = people.person_create(
            actor=self.user[who], given_name=given, family_name=family, **fields
        )
        self.created.append(f"person {person.full_name}")
        return person

    def place(self, who: str, name: str, address: str, postcode: str, district: str) -> Place:
        place = places.place_create(
            actor=self.user[who], name=name, address=address, postcode=postcode
        )
        district_code, ward_code = DISTRICTS[district]
        Place.objects.filter(pk=place.pk).update(district_code=district_code, ward_code=ward_code)
        place.refresh_from_db()
        return place

    def incident(
        self,
        who: str,
        days_ago: int,
        category: str,
        narrative: str,
        place: Place | None,
        people_: list[tuple[Person, str]],
        **fields: Any,
    ) -> Incident:
        incident = incidents.incident_record(
            actor=self.user[who],
            occurred_at=_ago(days_ago),
            category=category,
            narrative=narrative,
            place=place,
            people=people_,
            **fields,
        )
        Incident.objects.filter(pk=incident.pk).update(created_at=_ago(days_ago, 23))
        return incident

    def case(self, who: str, days_ago: int, **fields: Any) -> Case:
        case = cases.case_open(actor=self.user[who], **fields)
        Case.objects.filter(pk=case.pk).update(opened_at=_ago(days_ago, 10))
        case.refresh_from_db()
        self.created.append(f"case {case.reference}")
        return case

    def share(self, who: str, record_type: str, record_id: int, to: str, **kw: Any) -> None:
        user = self.user[who]
        sharing.record_share(
            actor=user,
            record=access_record(user, record_type, record_id),
            organisation=Organisation.objects.get(name=to),
            access_level=kw.get("access_level", "view"),
            legal_basis=kw.get("legal_basis", "cda_1998_s115"),
            reason=kw["reason"],
            expires_on=timezone.localdate() + datetime.timedelta(days=kw.get("days", 365)),
        )


_USERNAMES = ("caseworker", "manager", "police-caseworker", "idva", "marac")

# Later parts (risk assessments, referrals, MARAC) add their demo records here:
# fn(seeder, records) with records the dict of people, places and cases made below.
EXTRA_SEEDERS: list[Callable[[_Seeder, dict[str, Any]], None]] = []


def seed_demo_casework() -> list[str]:
    """Create the demo case work once (call inside seed_demo's transaction); returns what
    it created, or [] when it is already there or the demo members are missing."""
    if Case.objects.filter(title=MARKER_TITLE).exists():
        return []
    s = _Seeder()
    if set(s.user) != set(_USERNAMES):
        return []
    r: dict[str, Any] = {}

    # --- Places -----------------------------------------------------------------------
    r["larch"] = s.place(
        "caseworker", "Larch Court", "Larch Court\nMill Lane\nBrackenford", "LX1 4AB", "Brackenford"
    )
    r["park"] = s.place(
        "caseworker", "Riverside Park", "Riverside Park\nBrackenford", "LX1 7DF", "Brackenford"
    )
    r["precinct"] = s.place(
        "police-caseworker", "Carrow precinct", "High Street\nCarrow", "LX4 2HP", "Carrow"
    )
    r["willow"] = s.place("police-caseworker", "", "14 Willow Lane\nDunmere", "LX6 3RT", "Dunmere")
    r["bus"] = s.place(
        "police-caseworker", "Eskholm bus station", "Station Road\nEskholm", "LX8 1BS", "Eskholm"
    )

    # --- People (invented) --------------------------------------------------------------
    maya = s.person(
        "caseworker",
        "Maya",
        "Thornbury",
        date_of_birth=datetime.date(1988, 6, 14),
        gender="female",
        phone="07700 900401",
        address="Flat 3, Larch Court, Mill Lane, Brackenford",
        postcode="LX1 4AB",
        safe_contact_instructions="Text first; do not visit after 6pm",
    )
    callum = s.person(
        "caseworker", "Callum", "Ridgeway", date_of_birth=datetime.date(2001, 2, 3), gender="male"
    )
    elsie = s.person(
        "caseworker",
        "Elsie",
        "Marchbank",
        date_of_birth=datetime.date(1941, 11, 30),
        gender="female",
        vulnerabilities="Lives alone; hearing impairment",
        disability="Hearing impairment",
    )
    tyler = s.person("caseworker", "Tyler", "Brennock", approximate_age=15, gender="male")
    jordan = s.person("caseworker", "Jordan", "Fenwick", approximate_age=16, gender="male")
    rebecca = s.person(
        "police-caseworker",
        "Rebecca",
        "Stanforth",
        date_of_birth=datetime.date(1992, 9, 8),
        gender="female",
        phone="07700 900402",
        safe_contact_instructions="Do not call after 5pm: perpetrator at home",
    )
    liam = s.person(
        "police-caseworker",
        "Liam",
        "Stanforth",
        date_of_birth=datetime.date(1989, 4, 21),
        gender="male",
    )
    people.person_add_name(
        actor=s.user["police-caseworker"],
        person=rebecca,
        kind="previous",
        given_name="Rebecca",
        family_name="Hollins",
    )
    amira = s.person(
        "idva", "Amira", "Castleton", date_of_birth=datetime.date(1985, 1, 17), gender="female"
    )
    r.update(maya=maya, callum=callum, elsie=elsie, rebecca=rebecca, liam=liam, amira=amira)

    # --- Incidents -------------------------------------------------------------------------
    asb = [
        s.incident(
            "caseworker",
            days,
            category,
            text,
            r["larch"],
            [(maya, "victim"), (callum, "perpetrator")],
        )
        for days, category, text in (
            (80, "asb:personal", "Shouting and banging on the door late at night."),
            (52, "asb:personal", "Threats made in the stairwell; neighbour witnessed it."),
            (30, "asb:nuisance", "Loud music until 3am, third night this week."),
            (12, "asb:personal", "Door kicked; victim frightened to leave the flat."),
        )
    ]
    park = [
        s.incident(
            "caseworker",
            days,
            "asb:environmental",
            text,
            r["park"],
            [(tyler, "subject"), (jordan, "subject"), (elsie, "complainant")],
        )
        for days, text in (
            (60, "Group lighting fires by the bandstand."),
            (41, "Benches damaged; group verbally abused a passer-by."),
        )
    ]
    da = [
        s.incident(
            "police-caseworker",
            days,
            "domestic_abuse",
            text,
            r["willow"],
            [(rebecca, "victim"), (liam, "perpetrator")],
            markers=markers,
        )
        for days, text, markers in (
            (200, "Verbal argument; neighbour called police.", ["domestic_abuse"]),
            (95, "Push against a wall; minor injury to the arm.", ["domestic_abuse", "alcohol"]),
            (21, "Attempted strangulation reported; suspect arrested.", ["domestic_abuse"]),
        )
    ]
    s.incident(
        "police-caseworker",
        9,
        "crime:Public order",
        "Fight outside the bus station; no injuries.",
        r["bus"],
        [],
    )
    s.incident(
        "police-caseworker",
        15,
        "hate_incident",
        "Racist abuse shouted at a shopkeeper.",
        r["precinct"],
        [],
        hate_strand="race",
        markers=["hate"],
    )

    # --- Cases -----------------------------------------------------------------------------
    larch = s.case(
        "caseworker",
        78,
        case_type="asb",
        title=MARKER_TITLE,
        summary="Repeated intimidation of a tenant by a neighbour.",
        people=[(maya, "victim"), (callum, "perpetrator")],
        incidents=asb,
        places=[r["larch"]],
    )
    cases.case_add_note(
        actor=s.user["caseworker"],
        case=larch,
        text="Visited Maya with the housing officer. She keeps a diary of incidents.",
    )
    cases.case_add_action(
        actor=s.user["caseworker"],
        case=larch,
        description="Send a warning letter to Callum Ridgeway",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    s.share(
        "caseworker",
        "case",
        larch.pk,
        "Lindenshire Police",
        access_level="contribute",
        reason="Joint ASB case: police to consider a community protection notice",
    )
    youth = s.case(
        "caseworker",
        58,
        case_type="asb",
        title="Group causing damage in Riverside Park",
        people=[(tyler, "perpetrator"), (jordan, "perpetrator"), (elsie, "complainant")],
        incidents=park,
        places=[r["park"]],
    )
    # A group of young people seen together in the park (issue 4, item 1).
    park_group = people.group_create(
        actor=s.user["caseworker"],
        name="Riverside Park young people",
        description="Seen together by the bandstand on weekday evenings.",
    )
    for member in (tyler, jordan):
        people.group_add_member(actor=s.user["caseworker"], group=park_group, person=member)
    closed = s.case(
        "caseworker",
        140,
        case_type="complex",
        title="Support for a vulnerable older resident",
        people=[(elsie, "subject")],
    )
    cases.case_close(
        actor=s.user["caseworker"],
        case=closed,
        version=closed.version,
        outcome="Needs met",
        notes="Care package arranged with adult social care.",
    )
    Case.objects.filter(pk=closed.pk).update(closed_at=_ago(70, 16))
    da_case = s.case(
        "police-caseworker",
        20,
        case_type="domestic_abuse",
        title="Escalating domestic abuse at Willow Lane",
        people=[(rebecca, "victim"), (liam, "perpetrator")],
        incidents=da,
        places=[r["willow"]],
    )
    s.share(
        "police-caseworker",
        "case",
        da_case.pk,
        "Lindenshire Domestic Abuse Service",
        access_level="contribute",
        legal_basis="cda_1998_s115",
        reason="High risk victim: IDVA support",
    )
    idva_case = s.case(
        "idva",
        33,
        case_type="domestic_abuse",
        title="IDVA support after self-referral",
        people=[(amira, "victim")],
    )
    r.update(larch_case=larch, youth_case=youth, da_case=da_case, idva_case=idva_case)

    # --- A case closed long ago, past the retention period (for the retention review) -----
    owen = s.person("caseworker", "Owen", "Gradwell", approximate_age=40, gender="male")
    old_incident = s.incident(
        "caseworker",
        2650,
        "asb:nuisance",
        "Noise from a garage workshop.",
        None,
        [(owen, "subject")],
    )
    old_case = s.case(
        "caseworker",
        2640,
        case_type="asb",
        title="Noise from a garage workshop",
        people=[(owen, "perpetrator")],
        incidents=[old_incident],
    )
    cases.case_close(
        actor=s.user["caseworker"],
        case=old_case,
        version=old_case.version,
        outcome="Behaviour stopped",
    )
    Case.objects.filter(pk=old_case.pk).update(closed_at=_ago(2550, 12))
    Person.objects.filter(pk=owen.pk).update(created_at=_ago(2650), updated_at=_ago(2550))

    _risk_marac_and_referrals(s, r)
    for extra in EXTRA_SEEDERS:
        extra(s, r)
    return s.created


def _risk_marac_and_referrals(s: _Seeder, r: dict[str, Any]) -> None:
    """A DASH graded High for the Willow Lane victim, her MARAC referral and the next
    meeting with agenda and actions, an ASB risk assessment for Larch Court, and referrals
    to children's social care and to fire and rescue."""
    police = s.user["police-caseworker"]
    dash = risk_services.definition_of(risk_services.questionnaire_load("dash"))
    answers = {
        q.id: ("yes" if number <= 16 else "no") for number, q in enumerate(dash.questions, 1)
    }
    assessment = risk_services.assessment_create(
        actor=police,
        case=r["da_case"],
        person=r["rebecca"],
        kind="dash",
        answers=answers,
        children_in_household=2,
    )
    s.created.append(f"DASH assessment graded {assessment.get_grade_display()}")
    asb = risk_services.definition_of(risk_services.questionnaire_load("asb-victim"))
    risk_services.assessment_create(
        actor=s.user["caseworker"],
        case=r["larch_case"],
        person=r["maya"],
        kind="asb",
        answers={q.id: ("yes" if n % 2 else "no") for n, q in enumerate(asb.questions, 1)},
    )
    partnership = Partnership.objects.get(name="Carrow and Dunmere Community Safety Partnership")
    referral = marac_services.referral_create(
        actor=police,
        case=r["da_case"],
        victim=r["rebecca"],
        partnership=partnership,
        criterion="visible_high_risk",
        reasons="DASH 16 yes answers; attempted strangulation three weeks ago.",
        children_in_household=2,
        assessment=assessment,
    )
    meeting = marac_services.meeting_create(
        actor=s.user["marac"],
        partnership=partnership,
        held_on=timezone.localdate() + datetime.timedelta(days=8),
        location="Dunmere Police Station, conference room",
    )
    item, _shares = marac_services.agenda_add(
        actor=s.user["marac"], meeting=meeting, referral=referral
    )
    marac_services.research_note_add(
        actor=police,
        item=item,
        text="Two previous call-outs to the address; perpetrator on bail for the latest incident.",
    )
    marac_services.action_add(
        actor=s.user["marac"],
        item=item,
        organisation=Organisation.objects.get(name="Lindenshire Domestic Abuse Service"),
        description="IDVA to complete a safety plan with the victim",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    s.created.append(f"MARAC meeting on {meeting.held_on:%d %B %Y}")
    referrals_services.referral_send(
        actor=police,
        person=r["rebecca"],
        to_organisation=Organisation.objects.get(name="Lindenshire County Council"),
        service="childrens_social_care",
        details="Two children in the household; DASH graded High.",
        consent="given",
        case=r["da_case"],
    )
    referrals_services.referral_send(
        actor=s.user["caseworker"],
        person=r["elsie"],
        to_organisation=Organisation.objects.get(name="Lindenshire Fire and Rescue Service"),
        service="fire_home_safety",
        details="Older resident living alone; fires lit in the park nearby.",
        consent="given",
    )
