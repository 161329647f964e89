"""Signing in through the real pages: throttling, two-factor, temporary passwords, expiry."""

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.audit.models import AuditEvent
from saferhub.organisations.rules import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/account/sign-in", {"username": username, "password": password})


def test_wrong_password_and_unknown_user_look_the_same_and_are_audited(
    client: Client, make_member: Any
) -> None:
    member = make_member(Role.CASEWORKER)
    wrong = sign_in(client, member.user.username, "not-the-password")
    unknown = sign_in(client, "nobody-here", "whatever")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    failed = AuditEvent.objects.filter(action="signin.failed").order_by("id")
    assert [e.actor_username for e in failed] == [member.user.username, "nobody-here"]
    assert all(e.outcome == "refused" for e in failed)
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures_even_with_the_right_password(
    client: Client, make_member: Any, settings: Any
) -> None:
    settings.SIGNIN_FAILURE_LIMIT = 3
    member = make_member(Role.CASEWORKER)
    for _ in range(3):
        sign_in(client, member.user.username, "wrong-password")
    locked = sign_in(client, member.user.username)
    assert locked.status_code == 429
    assert "too many times" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action="signin.locked_out", actor_username=member.user.username
    ).exists()


def test_successful_sign_in_rotates_the_session_and_goes_to_next(
    client: Client, make_member: Any
) -> None:
    member = make_member(Role.ANALYST)
    client.get("/account/sign-in")
    response = client.post(
        "/account/sign-in?next=/account/",
        {"username": member.user.username, "password": PASSWORD, "next": "/account/"},
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert AuditEvent.objects.filter(action="signin.succeeded", actor_id=member.user.pk).exists()


def test_next_cannot_point_off_site(client: Client, make_member: Any) -> None:
    member = make_member(Role.ANALYST)
    response = client.post(
        "/account/sign-in",
        {"username": member.user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_deactivated_member_cannot_sign_in(client: Client, make_member: Any) -> None:
    member = make_member(Role.CASEWORKER)
    member.is_active = False
    member.save()
    assert sign_in(client, member.user.username).status_code == 200
    assert "_auth_user_id" not in client.session


def test_expired_session_is_sent_to_sign_in_with_a_message_and_audited(
    client: Client, make_member: Any
) -> None:
    member = make_member(Role.ANALYST)
    sign_in(client, member.user.username)
    client.session.flush()  # the server forgets the session, as after the inactivity timeout
    client.cookies["sessionid"] = "expired-session-key"
    response = client.get("/account/")
    assert response.status_code == 302
    assert "expired=1" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used SaferHub for a while" in page
    assert AuditEvent.objects.filter(action="session.expired", outcome="refused").exists()


def test_inactivity_timeout_is_configured_and_renewed(settings: Any) -> None:
    # The behaviour itself (renewed by use, ended when idle) is in test_session_activity.py.
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_RENEW_SECONDS == 60
    assert "saferhub.accounts.middleware.SessionActivityMiddleware" in settings.MIDDLEWARE


def test_missing_csrf_token_is_refused_audited_and_changes_nothing(make_member: Any) -> None:
    member = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    target = make_member(Role.CASEWORKER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    response = client.post(
        f"/members/{target.pk}/", {"role": "analyst", "is_active": "true", "version": "1"}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert AuditEvent.objects.filter(action="access.csrf_failed").exists()
    target.refresh_from_db()
    assert target.role == "caseworker"


def test_sign_out_is_post_only_and_audited(client: Client, make_member: Any) -> None:
    member = make_member(Role.ANALYST)
    sign_in(client, member.user.username)
    assert client.get("/account/sign-out").status_code == 405
    response = client.post("/account/sign-out")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="session.signed_out", actor_id=member.user.pk).exists()


def test_temporary_password_must_be_changed_first(client: Client, make_member: Any) -> None:
    member = make_member(Role.ANALYST)
    member.user.must_change_password = True
    member.user.save()
    sign_in(client, member.user.username)
    assert client.get("/")["Location"] == "/account/password"
    weak = client.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert "This password is too short" in weak.content.decode()
    good = client.post(
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-passphrase-7",
            "new_password2": "a-much-better-passphrase-7",
        },
    )
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="user.password_changed").exists()


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_two_factor_required_by_the_partnership_enrol_then_verify_then_backup_code(
    client: Client, make_member: Any, partnership: Any, settings: Any
) -> None:
    # Wrong codes slow later attempts (tested below); here they should not get in the way.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    partnership.require_two_factor = True
    partnership.save()
    member = make_member(Role.CASEWORKER)
    sign_in(client, member.user.username)
    to_setup = client.get("/")
    assert to_setup["Location"].startswith("/account/two-factor/set-up")
    setup = client.get("/account/two-factor/set-up")
    assert "<svg" in setup.content.decode() and "setup-key" in setup.content.decode()
    device = TOTPDevice.objects.get(user=member.user, confirmed=False)
    wrong = client.post(
        "/account/two-factor/set-up", {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "The code is not right" in wrong.content.decode()
    confirmed = client.post("/account/two-factor/set-up", {"code": _code(device)})
    assert confirmed.status_code == 302
    codes_page = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li>(\d{8})</li>", codes_page)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.enrolled", actor_id=member.user.pk).exists()

    # A new session: password, then a backup code (once only), then the home page.
    second = Client()
    sign_in(second, member.user.username)
    assert second.get("/")["Location"].startswith("/account/two-factor?")
    assert "not right" in second.post("/account/two-factor", {"code": "12345678"}).content.decode()
    assert second.post("/account/two-factor", {"code": codes[0]}).status_code == 302
    assert second.get("/").status_code == 200
    third = Client()
    sign_in(third, member.user.username)
    assert "not right" in third.post("/account/two-factor", {"code": codes[0]}).content.decode()
    assert AuditEvent.objects.filter(action="signin.two_factor_failed").count() == 2


def test_replacing_an_authenticator_needs_the_current_one(client: Client, make_member: Any) -> None:
    member = make_member(Role.CASEWORKER)
    TOTPDevice.objects.create(user=member.user, name="app", confirmed=True)
    sign_in(client, member.user.username)
    response = client.get("/account/two-factor/set-up")
    assert response["Location"].startswith("/account/two-factor?")


def test_roles_without_personal_data_are_not_asked_for_two_factor(
    client: Client, make_member: Any, partnership: Any
) -> None:
    partnership.require_two_factor = True
    partnership.save()
    member = make_member(Role.BOARD_MEMBER)
    sign_in(client, member.user.username)
    assert client.get("/").status_code == 200


def test_wrong_codes_throttle_the_next_attempt(client: Client, make_member: Any) -> None:
    member = make_member(Role.CASEWORKER)
    device = TOTPDevice.objects.create(user=member.user, name="app", confirmed=True)
    sign_in(client, member.user.username)
    wrong = "000000" if _code(device) != "000000" else "111111"
    client.post("/account/two-factor", {"code": wrong})
    refused = client.post("/account/two-factor", {"code": _code(device)})
    assert "not right" in refused.content.decode()
    assert client.get("/").status_code == 302
