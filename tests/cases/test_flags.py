"""Flags are computed from the records the viewer may see, never from hidden ones; "known to
another agency" names only the organisation and is audited as a disclosure."""

from typing import Any

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.cases.flags import person_flags, place_flags
from saferhub.cases.models import PartnershipFlagRules
from saferhub.organisations.rules import Role
from saferhub.places import services as place_services
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


def kinds(flags: Any) -> set[str]:
    return {flag.kind for flag in flags.flags}


def test_repeat_victim_from_visible_incidents_only(make_member: Any, organisations: Any) -> None:
    own = make_member(Role.CASEWORKER, "own")
    other = make_member(Role.CASEWORKER, "other")
    victim = f.person(own)
    f.share("person", victim.pk, own, organisations["other"])
    for days in (2, 10):
        f.incident(own, [(victim, "victim")], days_ago=days)
    hidden = f.incident(other, [(victim, "victim")], days_ago=5)
    assert "repeat_victim" not in kinds(person_flags(actor=own.user, person_id=victim.pk))
    f.share("incident", hidden.pk, other, organisations["own"])
    flags = person_flags(actor=own.user, person_id=victim.pk)
    flag = next(x for x in flags.flags if x.kind == "repeat_victim")
    assert len(flag.causes) == 3 and all(c.url.startswith("/incidents/") for c in flag.causes)
    assert isinstance(flags.marac_available, bool)  # True once the MARAC app registers


def test_escalation_and_repeat_location(make_member: Any) -> None:
    own = make_member(Role.CASEWORKER, "own")
    victim, abuser = f.person(own, "Ann", "Lee"), f.person(own, "Ray", "Lee")
    place = place_services.place_create(actor=own.user, name="12 High Street", postcode="LE1 1AA")
    for days in (3, 30, 60):
        f.incident(
            own,
            [(victim, "victim"), (abuser, "perpetrator")],
            days_ago=days,
            category="domestic_abuse",
            place=place,
        )
    flags = person_flags(actor=own.user, person_id=victim.pk)
    escalation = next(x for x in flags.flags if x.kind == "potential_escalation")
    assert escalation.about == "Ray Lee"
    assert "repeat_perpetrator" in kinds(person_flags(actor=own.user, person_id=abuser.pk))
    assert [x.kind for x in place_flags(actor=own.user, place_id=place.pk)] == ["repeat_location"]


def test_partnership_thresholds(make_member: Any, partnership: Any) -> None:
    own = make_member(Role.CASEWORKER, "own")
    victim = f.person(own)
    f.incident(own, [(victim, "victim")])
    assert "repeat_victim" not in kinds(person_flags(actor=own.user, person_id=victim.pk))
    PartnershipFlagRules.objects.create(partnership=partnership, repeat_victim_count=1)
    assert "repeat_victim" in kinds(person_flags(actor=own.user, person_id=victim.pk))


def test_known_to_another_agency(make_member: Any, organisations: Any) -> None:
    own = make_member(Role.CASEWORKER, "own")
    other = make_member(Role.CASEWORKER, "other")
    person = f.person(own)
    f.share("person", person.pk, own, organisations["other"])
    case = f.case(other, [(person, "victim")], title="Secret police case")
    flags = person_flags(actor=own.user, person_id=person.pk)
    flag = next(x for x in flags.flags if x.kind == "known_to_another_agency")
    assert flag.explanation == f"Known to another agency: contact {organisations['other'].name}"
    assert "Secret" not in flag.explanation and flag.causes == ()
    event = AuditEvent.objects.filter(action="flag.known_elsewhere_shown").latest("id")
    assert event.operation == "disclosure" and event.subject_id == str(person.pk)
    # once the case is shared, it is simply visible: no "known elsewhere"
    f.share("case", case.pk, other, organisations["own"])
    assert "known_to_another_agency" not in kinds(person_flags(actor=own.user, person_id=person.pk))


def test_several_people_at_once_match_one_by_one_in_the_same_queries(
    make_member: Any, organisations: Any
) -> None:
    """A case page asks for all its people's flags at once: the same flags as asking one by
    one, each person's own, and no more queries for three people than for one (the MARAC
    source and the disclosure events aside, which are per person)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saferhub.cases.flags import people_flags

    own = make_member(Role.CASEWORKER, "own")
    other = make_member(Role.CASEWORKER, "other")
    victim, abuser, bystander = (
        f.person(own, "Ann", "Lee"),
        f.person(own, "Ray", "Lee"),
        f.person(own, "Sam", "Hill"),
    )
    for days in (3, 30, 60):
        f.incident(
            own,
            [(victim, "victim"), (abuser, "perpetrator")],
            days_ago=days,
            category="domestic_abuse",
        )
    f.incident(own, [(bystander, "witness")])
    f.share("person", abuser.pk, own, organisations["other"])
    f.case(other, [(abuser, "perpetrator")], title="Police case")
    ids = [victim.pk, abuser.pk, bystander.pk]

    together = people_flags(actor=own.user, person_ids=ids)

    assert list(together) == ids
    for pid in ids:
        assert together[pid] == person_flags(actor=own.user, person_id=pid)
    assert kinds(together[victim.pk]) == {"potential_escalation"}
    assert kinds(together[abuser.pk]) >= {"repeat_perpetrator", "known_to_another_agency"}
    assert kinds(together[bystander.pk]) == set()

    def counted(person_ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as queries:
            people_flags(actor=own.user, person_ids=person_ids)
        return len(
            [
                q
                for q in queries.captured_queries
                if "marac_" not in q["sql"] and "audit_" not in q["sql"]
            ]
        )

    assert counted(ids) == counted([abuser.pk])


def test_a_person_pages_incidents_are_read_once_for_flags_and_timeline(
    make_member: Any, organisations: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saferhub.cases import selectors

    own = make_member(Role.CASEWORKER, "own")
    other = make_member(Role.CASEWORKER, "other")
    victim, abuser = f.person(own, "Ann", "Lee"), f.person(own, "Ray", "Lee")
    f.share("person", victim.pk, own, organisations["other"])
    for days in (3, 30, 60):
        f.incident(own, [(victim, "victim"), (abuser, "perpetrator")], days_ago=days)
    f.incident(other, [(victim, "victim")], days_ago=4)  # hidden from the council
    f.incident(own, [(victim, "victim")], days_ago=900)  # outside every flag's window

    with CaptureQueriesContext(connection) as read_once:
        incidents = selectors.person_incidents(actor=own.user, person_id=victim.pk)
        flags = person_flags(actor=own.user, person_id=victim.pk, incidents=incidents)
        timeline = selectors.person_timeline(
            actor=own.user, person_id=victim.pk, incidents=incidents
        )
    with CaptureQueriesContext(connection) as read_twice:
        assert person_flags(actor=own.user, person_id=victim.pk) == flags
        assert selectors.person_timeline(actor=own.user, person_id=victim.pk) == timeline
    assert len(read_once.captured_queries) == len(read_twice.captured_queries) - 2
    assert "repeat_victim" in kinds(flags)
    assert len([e for e in timeline if e.kind == "Incident"]) == 4
