"""Pages through the real middleware: sign-in required, refusals audited, GOV.UK errors."""

import re
from typing import Any

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role

pytestmark = pytest.mark.django_db


def error_summary(response: Any) -> list[str]:
    return re.findall(r'<li><a href="#[^"]*">([^<]+)</a></li>', response.content.decode())


def test_pages_need_sign_in(client: Any) -> None:
    for path in ["/", "/members/", "/audit/", "/account/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in?next=")


def test_home_lists_what_the_role_may_do(signed_in: Any) -> None:
    client, membership = signed_in(Role.ANALYST)
    page = client.get("/").content.decode()
    assert membership.organisation.name in page
    assert "see performance figures" in page
    assert "search the audit trail" not in page
    assert 'href="/members/"' not in page


def test_security_headers(client: Any) -> None:
    response = client.get("/account/sign-in")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and f'nonce="{nonce.group(1)}"' in response.content.decode()


def test_a_role_without_the_capability_gets_403_and_it_is_audited(signed_in: Any) -> None:
    client, membership = signed_in(Role.CASEWORKER)
    response = client.get("/members/")
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor_id == membership.user.pk and event.outcome == "refused"
    assert event.payload["path"] == "/members/"


def test_another_organisations_member_is_404_and_audited(signed_in: Any, make_member: Any) -> None:
    client, admin = signed_in(Role.PARTNERSHIP_ADMINISTRATOR)
    stranger = make_member(Role.CASEWORKER, "other")
    response = client.get(f"/members/{stranger.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    missing = client.get("/members/999999/")
    assert missing.status_code == 404
    refused = AuditEvent.objects.filter(action="member.access_refused", actor_id=admin.user.pk)
    assert {e.target_id for e in refused} == {str(stranger.pk), "999999"}
    post = client.post(
        f"/members/{stranger.pk}/", {"role": "analyst", "is_active": "true", "version": "1"}
    )
    assert post.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == "caseworker"


def test_member_list_shows_only_own_organisation_and_is_audited(
    signed_in: Any, make_member: Any
) -> None:
    client, admin = signed_in(Role.PARTNERSHIP_ADMINISTRATOR)
    mine = make_member(Role.CASEWORKER)
    theirs = make_member(Role.CASEWORKER, "other")
    page = client.get("/members/").content.decode()
    assert mine.user.username in page and theirs.user.username not in page
    assert AuditEvent.objects.filter(action="member.list_viewed", actor_id=admin.user.pk).exists()


def test_add_member_journey_with_errors_then_success(signed_in: Any) -> None:
    client, _ = signed_in(Role.PARTNERSHIP_ADMINISTRATOR)
    bad = client.post(
        "/members/add",
        {"first_name": "", "last_name": "Lee", "email": "nope", "username": "a b", "role": ""},
    )
    assert bad.status_code == 200
    assert error_summary(bad) == [
        "Enter their first name",
        "Enter an email address in the correct format, like name@example.gov.uk",
        "Username must only include letters, numbers, dots, hyphens and underscores",
        "Select a role",
    ]
    assert bad.content.decode().count("govuk-form-group--error") == 4
    assert "<title>Error: " in bad.content.decode()
    assert "system_administrator" not in bad.content.decode()
    good = client.post(
        "/members/add",
        {
            "first_name": "Jo",
            "last_name": "Lee",
            "email": "jo@example.test",
            "username": "jo.lee",
            "role": "analyst",
        },
    )
    assert good.status_code == 302
    shown = client.get(good["Location"]).content.decode()
    password = re.search(r'id="temporary-password"><code>([^<]+)</code>', shown)
    assert password
    assert "already been shown" in client.get(good["Location"]).content.decode()


def test_role_change_with_stale_version_is_refused(signed_in: Any, make_member: Any) -> None:
    client, _ = signed_in(Role.PARTNERSHIP_ADMINISTRATOR)
    target = make_member(Role.CASEWORKER)
    first = client.post(
        f"/members/{target.pk}/", {"role": "analyst", "is_active": "true", "version": "1"}
    )
    assert first.status_code == 302
    second = client.post(
        f"/members/{target.pk}/", {"role": "team_manager", "is_active": "true", "version": "1"}
    )
    assert second.status_code == 200
    assert "changed by someone else" in second.content.decode()
    target.refresh_from_db()
    assert target.role == "analyst"


def test_audit_page_searches_and_is_itself_audited(signed_in: Any, make_member: Any) -> None:
    client, manager = signed_in(Role.TEAM_MANAGER)
    colleague = make_member(Role.CASEWORKER)
    outsider = make_member(Role.CASEWORKER, "other")
    page = client.get("/audit/", {"action": "member.added"}).content.decode()
    assert colleague.user.username not in page or "member.added" in page
    assert f"member {colleague.pk}" in page
    assert f"member {outsider.pk}" not in page
    event = AuditEvent.objects.filter(action="audit.searched", actor_id=manager.user.pk).latest(
        "id"
    )
    assert event.payload == {"action": "member.added"}
    assert event.operation == "consultation"
    bad = client.get("/audit/", {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"})
    assert "From must be a real date" in bad.content.decode()


def test_caseworkers_cannot_search_the_audit_trail(signed_in: Any) -> None:
    client, _ = signed_in(Role.CASEWORKER)
    assert client.get("/audit/").status_code == 403
