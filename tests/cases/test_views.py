"""Case work pages: the no-leak matrix (every view x every role x own, shared and other
organisation's record), purpose asked first, form errors, the known-person step without
JavaScript, stale saves refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.cases.models import Case
from saferhub.cases.purpose import remember_purpose
from saferhub.incidents.models import Incident
from saferhub.organisations.rules import Capability, Role, role_can
from saferhub.people.models import Person
from saferhub.places import services as place_services
from tests.cases import factories as f
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DETAIL_URLS = {
    "person": ["/people/{person}/"],
    "incident": ["/incidents/{incident}/"],
    "place": ["/places/{place}/"],
    "case": [
        "/cases/{case}/",
        "/cases/{case}/people",
        "/cases/{case}/incidents",
        "/cases/{case}/actions",
        "/cases/{case}/reviews",
        "/cases/{case}/notes",
        "/cases/{case}/documents",
        "/cases/{case}/history",
    ],
}


def client_for(member: Any) -> Client:
    client = Client()
    assert (
        client.post(
            "/account/sign-in", {"username": member.user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def with_purposes(client: Client, records: dict[str, int]) -> None:
    session = client.session
    for kind, record_id in records.items():
        remember_purpose(session, f"{kind}:{record_id}", "Managing this case")
    session.save()


@pytest.fixture
def world(make_member: Any, organisations: dict[str, Any]) -> dict[str, Any]:
    """A record set owned by 'own', one owned by 'other' and shared with 'own', and one
    owned by 'other' and not shared."""
    records: dict[str, Any] = {}
    for label, org in (("own", "own"), ("shared", "other"), ("hidden", "other")):
        owner = make_member(Role.CASEWORKER, org)
        person = f.person(
            owner, "Zara", f"Quill{label.capitalize()}", date_of_birth=datetime.date(1990, 3, 4)
        )
        place = place_services.place_create(
            actor=owner.user, name=f"{label} park", postcode="LE1 1AA"
        )
        incident = f.incident(owner, [(person, "victim")], place=place)
        case = f.case(owner, [(person, "victim")], title=f"{label} nuisance case")
        records[label] = {
            "person": person.pk,
            "place": place.pk,
            "incident": incident.pk,
            "case": case.pk,
        }
        if label == "shared":
            for kind, pk in records[label].items():
                f.share(kind, pk, owner, organisations["own"])
    return records


@pytest.mark.parametrize("role", list(Role))
def test_no_leak_matrix(make_member: Any, world: dict[str, Any], role: Role) -> None:
    member = make_member(role, "own")
    client = client_for(member)
    sees = role_can(role, Capability.VIEW_PERSONAL_RECORDS)
    for label in ("own", "shared", "hidden"):
        with_purposes(client, world[label])
        for templates in DETAIL_URLS.values():
            for template in templates:
                url = template.format(**world[label])
                status = client.get(url).status_code
                if not sees:
                    expected = 403
                elif label == "hidden":
                    expected = 404
                else:
                    expected = 200
                assert status == expected, (role, label, url, status)
    if sees:
        for kind, text, shown in (
            ("people", "Quill", "Quill{}"),
            ("places", "park", "{} park"),
            ("cases", "nuisance", "{} nuisance case"),
        ):
            page = client.get("/search/", {"q": text, "kind": kind}).content.decode()
            assert shown.format("Own" if kind == "people" else "own") in page, kind
            assert shown.format("Shared" if kind == "people" else "shared") in page, kind
            assert shown.format("Hidden" if kind == "people" else "hidden") not in page, kind
        people = client.get("/search/", {"q": "QuillHidden", "kind": "people"}).content.decode()
        assert "No people found" in people
        mine = client.get("/cases/").content.decode()
        assert "hidden nuisance" not in mine
    else:
        assert client.get("/search/?q=Quill").status_code == 403
        assert client.get("/cases/").status_code == 403


def test_purpose_is_asked_first_and_audited(make_member: Any, world: dict[str, Any]) -> None:
    client = client_for(make_member(Role.CASEWORKER, "own"))
    case_id = world["own"]["case"]
    first = client.get(f"/cases/{case_id}/")
    assert first.status_code == 302 and first["Location"].startswith("/purpose/")
    assert client.post(first["Location"], {"purpose": "Supervision"}).status_code == 302
    case_page = client.get(f"/cases/{case_id}/")
    assert case_page.status_code == 200
    assert f'href="/sharing/case/{case_id}/"' in case_page.content.decode()
    event = AuditEvent.objects.filter(action="case.viewed").latest("id")
    assert event.purpose == "Supervision" and event.target_id == str(case_id)
    # a person seen through the case reuses the case's purpose
    person = world["own"]["person"]
    person_page = client.get(f"/people/{person}/?case={case_id}")
    assert person_page.status_code == 200
    assert f'href="/sharing/person/{person}/"' in person_page.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed").latest("id").purpose == "Supervision"
    # hidden records are a plain 404, never a purpose question
    assert client.get(f"/cases/{world['hidden']['case']}/").status_code == 404


def test_incident_entry_offers_the_known_person_without_javascript(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    existing = f.person(worker, "William", "Smith", date_of_birth=datetime.date(1980, 4, 3))
    client = client_for(worker)
    today = timezone.localdate()
    form = {
        "occurred_on_0": today.day,
        "occurred_on_1": today.month,
        "occurred_on_2": today.year,
        "category": "asb:personal",
        "given_name": "Bill",
        "family_name": "Smtih",
        "date_of_birth_0": "4",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1980",
        "gender": "male",
        "role": "victim",
    }
    checked = client.post("/incidents/new", {**form, "action": "check"}).content.decode()
    assert "People already recorded who may be the same person" in checked
    assert f'value="{existing.pk}"' in checked
    assert "Bill may be short for William" in checked
    assert "day and month swapped" in checked
    refused = client.post("/incidents/new", {**form, "action": "save"}).content.decode()
    assert "Choose whether the person is one of the people already recorded" in refused
    saved = client.post(
        "/incidents/new", {**form, "action": "save", "existing_person": existing.pk}
    )
    assert saved.status_code == 302
    assert Person.objects.count() == 1
    assert Incident.objects.get().involvements.get().person == existing


def test_htmx_panel(make_member: Any) -> None:
    worker = make_member(Role.CASEWORKER, "own")
    f.person(worker, "Elizabeth", "Jones", date_of_birth=datetime.date(1985, 2, 1))
    client = client_for(worker)
    panel = client.post(
        "/people/check", {"given_name": "Liz", "family_name": "Jones"}, HTTP_HX_REQUEST="true"
    )
    assert b"Elizabeth Jones" in panel.content


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"occurred_on_2": "2999"}, "Date of the incident must be today or in the past"),
        ({"occurred_on_1": "13"}, "must be a real date"),
        ({"date_of_birth_2": "2999"}, "Date of birth must be today or in the past"),
        (
            {"occurred_on_2": "1970", "date_of_birth_2": "1980"},
            "after the person&#x27;s date of birth",
        ),
        ({"category": "hate_incident"}, "Select the monitored strand"),
        ({"role": ""}, "Select how the person was involved"),
    ],
)
def test_incident_form_errors(make_member: Any, changes: dict[str, str], message: str) -> None:
    client = client_for(make_member(Role.CASEWORKER, "own"))
    form = {
        "occurred_on_0": "1",
        "occurred_on_1": "2",
        "occurred_on_2": "2020",
        "category": "asb:personal",
        "given_name": "Nia",
        "family_name": "Okafor",
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": "1980",
        "gender": "female",
        "role": "victim",
        "existing_person": "new",
        "action": "save",
    }
    page = client.post("/incidents/new", {**form, **changes}).content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("postcode", "ok"),
    [("SW1A 1AA", True), ("le11aa", True), ("ZZ99 9ZZ", False), ("12345", False)],
)
def test_place_postcodes(make_member: Any, postcode: str, ok: bool) -> None:
    client = client_for(make_member(Role.CASEWORKER, "own"))
    response = client.post("/places/new", {"name": "Park", "postcode": postcode})
    if ok:
        assert response.status_code == 302
    else:
        assert "Enter a real UK postcode" in response.content.decode()


def test_disguised_upload_shows_a_govuk_error(make_member: Any, world: dict[str, Any]) -> None:
    client = client_for(make_member(Role.CASEWORKER, "own"))
    case_id = world["own"]["case"]
    with_purposes(client, {"case": case_id})
    page = client.post(
        f"/cases/{case_id}/documents", {"document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")}
    )
    assert (
        "not a real PDF file" in page.content.decode()
        and "govuk-error-summary" in page.content.decode()
    )


def test_second_edit_is_refused(make_member: Any, world: dict[str, Any]) -> None:
    a = client_for(make_member(Role.CASEWORKER, "own"))
    b = client_for(make_member(Role.CASEWORKER, "own"))
    case_id = world["own"]["case"]
    assert (
        a.post(
            f"/cases/{case_id}/edit", {"title": "A's title", "summary": "", "version": 1}
        ).status_code
        == 302
    )
    page = b.post(
        f"/cases/{case_id}/edit", {"title": "B's title", "summary": "", "version": 1}
    ).content.decode()
    assert "Someone else changed this case" in page
    assert Case.objects.get(pk=case_id).title == "A&#x27;s title".replace("&#x27;", "'")


def test_open_and_close_a_case(make_member: Any, world: dict[str, Any]) -> None:
    client = client_for(make_member(Role.CASEWORKER, "own"))
    person = world["own"]["person"]
    page = client.post(
        f"/cases/new?person={person}",
        {
            "case_type": "domestic_abuse",
            "title": "DA case",
            "lead_officer": "",
            "person_role": "victim",
        },
    )
    assert "govuk-error-summary" in page.content.decode()
    member_id = Case.objects.get(pk=world["own"]["case"]).lead_officer_id
    response = client.post(
        f"/cases/new?person={person}",
        {
            "case_type": "domestic_abuse",
            "title": "DA case",
            "lead_officer": member_id,
            "person_role": "victim",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="DA case")
    assert case.reference.startswith("DA-") and case.case_people.get().role == "victim"
    wrong = client.post(
        f"/cases/{case.pk}/close", {"outcome": "Behaviour stopped", "version": 1}
    ).content.decode()
    assert "Select" in wrong
    assert (
        client.post(
            f"/cases/{case.pk}/close", {"outcome": "Risk reduced", "version": 1}
        ).status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).status == "closed"
