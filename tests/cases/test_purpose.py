"""Purpose of access: asked once per case (or record) per session, remembered, validated."""

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from saferhub.cases.purpose import (
    MAX_REMEMBERED,
    clean_purpose,
    purpose_for,
    purpose_scope,
    remember_purpose,
    remembered_purpose,
    requires_purpose,
)
from saferhub.organisations.rules import Role


def test_scope_is_the_case_when_seen_through_a_case() -> None:
    assert purpose_scope("person", 4) == "person:4"
    assert purpose_scope("person", 4, case_id=9) == "case:9"


def test_clean_purpose_trims_and_limits() -> None:
    assert clean_purpose("  MARAC   research \n") == "MARAC research"
    assert len(clean_purpose("x" * 500)) == 200


def test_remember_keeps_a_bounded_number() -> None:
    session: dict[str, Any] = {}
    for i in range(MAX_REMEMBERED + 3):
        remember_purpose(session, f"case:{i}", "Supervision")
    assert remembered_purpose(session, "case:0") is None
    assert remembered_purpose(session, f"case:{MAX_REMEMBERED + 2}") == "Supervision"


def _request(session: dict[str, Any]) -> Any:
    request = RequestFactory().get("/cases/7/?tab=notes")
    request.session = session  # type: ignore[assignment]
    return request


def test_purpose_for_redirects_then_returns_the_remembered_purpose() -> None:
    session: dict[str, Any] = {}
    answer = purpose_for(_request(session), "case", 7)
    assert isinstance(answer, HttpResponse) and answer.status_code == 302
    assert answer["Location"].startswith("/purpose/?scope=case%3A7&next=%2Fcases%2F7%2F")
    remember_purpose(session, "case:7", "Managing this case")
    assert purpose_for(_request(session), "case", 7) == "Managing this case"
    assert purpose_for(_request(session), "person", 3, case_id=7) == "Managing this case"
    assert isinstance(purpose_for(_request(session), "person", 3), HttpResponse)


def test_decorator_passes_the_purpose() -> None:
    @requires_purpose("case", "case_id")
    def view(request: Any, case_id: int, purpose: str) -> HttpResponse:
        return HttpResponse(f"{case_id} {purpose}")

    session: dict[str, Any] = {}
    assert view(_request(session), case_id=7).status_code == 302
    remember_purpose(session, "case:7", "Supervision")
    assert view(_request(session), case_id=7).content == b"7 Supervision"


@pytest.mark.django_db
def test_purpose_page_asks_validates_and_returns(signed_in: Any) -> None:
    client, _ = signed_in(Role.CASEWORKER)
    url = "/purpose/?scope=case:7&next=/cases/7/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Why are you looking at this case?" in page.content
    missing = client.post(url, {"scope": "case:7", "next": "/cases/7/"})
    assert b"Select why you are looking at this record" in missing.content
    no_text = client.post(url, {"scope": "case:7", "next": "/cases/7/", "purpose": "other"})
    assert b"Enter your reason for looking at this record" in no_text.content
    done = client.post(
        url,
        {"scope": "case:7", "next": "/cases/7/", "purpose": "other", "other_purpose": "Audit"},
    )
    assert done.status_code == 302 and done["Location"] == "/cases/7/"
    assert remembered_purpose(client.session, "case:7") == "Audit"


@pytest.mark.django_db
def test_purpose_page_never_redirects_off_site(signed_in: Any) -> None:
    client, _ = signed_in(Role.CASEWORKER)
    done = client.post(
        "/purpose/",
        {"scope": "person:3", "next": "https://evil.example/", "purpose": "Supervision"},
    )
    assert done["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.BOARD_MEMBER])
def test_roles_without_personal_data_are_refused(signed_in: Any, role: Role) -> None:
    client, _ = signed_in(role)
    assert client.get("/purpose/?scope=case:1&next=/").status_code == 403
