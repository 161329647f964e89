"""The one visibility rule: owner organisation, or an active share; everything else is 404.

Checked for every role x owned / shared / expired share / revoked share / other
organisation's record, for the list (queryset) and the detail (access_*) alike.
"""

import datetime
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from saferhub.cases.access import access_case, cases_visible_to
from saferhub.cases.models import Case
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.people.access import access_person, people_visible_to
from saferhub.people.models import Person
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_records(owner: Any) -> tuple[Person, Case]:
    person = Person.objects.create(
        owner_organisation=owner.organisation,
        given_name="Alex",
        family_name="Rowe",
        created_by=owner.user,
    )
    case = Case.objects.create(
        case_type="asb",
        reference=f"ASB-TEST-{person.pk}",
        title="Noise nuisance",
        owner_organisation=owner.organisation,
        lead_officer=owner.user,
        opened_at=timezone.now(),
        created_by=owner.user,
    )
    return person, case


def share(record_type: str, record_id: int, owner: Any, to: Any, **kwargs: Any) -> None:
    RecordShare.objects.create(
        record_type=record_type,
        record_id=record_id,
        owner_organisation=owner.organisation,
        organisation=to,
        access_level=kwargs.get("access_level", AccessLevel.VIEW),
        legal_basis=LegalBasis.CDA_1998_S115,
        reason="Joint ASB case",
        granted_by=owner.user,
        expires_on=kwargs.get("expires_on", TODAY + datetime.timedelta(days=30)),
        revoked_at=kwargs.get("revoked_at"),
    )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("situation", ["own", "shared", "expired", "revoked", "other"])
def test_visibility_matrix(
    make_member: Any, organisations: dict[str, Any], role: Role, situation: str
) -> None:
    viewer = make_member(role, "own")
    owner = make_member(Role.CASEWORKER, "own" if situation == "own" else "other")
    person, case = make_records(owner)
    if situation != "own" and situation != "other":
        options = {
            "shared": {},
            "expired": {"expires_on": TODAY - datetime.timedelta(days=1)},
            "revoked": {"revoked_at": timezone.now()},
        }[situation]
        for record_type, record in (("person", person), ("case", case)):
            share(record_type, record.pk, owner, organisations["own"], **options)
    allowed = role_can(role, Capability.VIEW_PERSONAL_RECORDS) and situation in ("own", "shared")
    assert (person in people_visible_to(viewer.user)) is allowed
    assert (case in cases_visible_to(viewer.user)) is allowed
    for fetch, record in ((access_person, person), (access_case, case)):
        if allowed:
            assert fetch(viewer.user, record.pk) == record
        else:
            with pytest.raises(Http404):
                fetch(viewer.user, record.pk)


def test_a_view_share_does_not_allow_editing_but_a_contribute_share_does(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    viewer = make_member(Role.CASEWORKER, "own")
    owner = make_member(Role.CASEWORKER, "other")
    _person, case = make_records(owner)
    share("case", case.pk, owner, organisations["own"])
    with pytest.raises(Http404):
        access_case(viewer.user, case.pk, need="edit")
    share("case", case.pk, owner, organisations["own"], access_level=AccessLevel.CONTRIBUTE)
    assert access_case(viewer.user, case.pk, need="edit") == case


def test_erased_and_merged_people_are_not_visible(make_member: Any) -> None:
    owner = make_member(Role.CASEWORKER)
    person, _ = make_records(owner)
    survivor, _ = make_records(owner)
    person.merged_into = survivor
    person.save()
    assert person not in people_visible_to(owner.user)
    survivor.erased_at = timezone.now()
    survivor.save()
    with pytest.raises(Http404):
        access_person(owner.user, survivor.pk)


def test_the_rule_agrees_with_active_shares_on_every_kind_of_share(
    make_member: Any, organisations: dict[str, Any]
) -> None:
    """visible() and editable() write the active-share condition as SQL of their own; they
    must pick exactly the records that `active_shares` names, on every edge."""
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation
    from saferhub.people.access import can_edit_person
    from saferhub.sharing.access import active_shares
    from saferhub.sharing.visibility import editable

    viewer = make_member(Role.CASEWORKER, "own")
    owner = make_member(Role.CASEWORKER, "other")
    third = services.organisation_create(
        actor=None,
        name="Testshire Fire",
        kind=Organisation.Kind.FIRE_AND_RESCUE,
        partnerships=list(organisations["own"].partnerships.all()),
    )
    own_person, own_case = make_records(viewer)
    shares = {
        "view": {},
        "contribute": {"access_level": AccessLevel.CONTRIBUTE},
        "expires today": {"expires_on": TODAY},
        "expired yesterday": {"expires_on": TODAY - datetime.timedelta(days=1)},
        "revoked": {"revoked_at": timezone.now()},
        "revoked contribute": {
            "access_level": AccessLevel.CONTRIBUTE,
            "revoked_at": timezone.now(),
        },
    }
    people = {}
    for label, options in shares.items():
        people[label], _ = make_records(owner)
        share("person", people[label].pk, owner, organisations["own"], **options)
    people["to another organisation"], _ = make_records(owner)
    share("person", people["to another organisation"].pk, owner, third)
    people["not shared"], the_case = make_records(owner)
    # A share of a case whose id is a person's id opens the case, never the person.
    share("case", people["not shared"].pk, owner, organisations["own"])
    share("case", the_case.pk, owner, organisations["own"])

    org = organisations["own"].pk
    active = set(
        active_shares(record_type="person", organisation_id=org).values_list("record_id", flat=True)
    )
    contribute = set(
        active_shares(record_type="person", organisation_id=org)
        .filter(access_level=AccessLevel.CONTRIBUTE)
        .values_list("record_id", flat=True)
    )
    everyone = Person.objects.all()
    seen = set(people_visible_to(viewer.user).values_list("pk", flat=True))
    changeable = set(
        editable(everyone, user=viewer.user, record_type="person").values_list("pk", flat=True)
    )
    assert seen == {own_person.pk, *active}
    assert changeable == {own_person.pk, *contribute}
    assert {label for label, p in people.items() if p.pk in seen} == {
        "view",
        "contribute",
        "expires today",
    }
    assert {label for label, p in people.items() if p.pk in changeable} == {"contribute"}
    assert can_edit_person(viewer.user, people["contribute"])
    assert not can_edit_person(viewer.user, people["view"])
    assert set(cases_visible_to(viewer.user)) == {own_case, the_case}
    # The rule inside a subquery and a join keeps pointing at the right table.
    assert (
        set(
            Person.objects.filter(pk__in=people_visible_to(viewer.user).values("pk")).values_list(
                "pk", flat=True
            )
        )
        == seen
    )
    assert set(
        Case.objects.filter(owner_organisation=organisations["own"])
        .filter(pk__in=cases_visible_to(viewer.user).values("pk"))
        .values_list("pk", flat=True)
    ) == {own_case.pk}
    assert people_visible_to(viewer.user).count() == len(seen)
