"""Sign-in, two-factor, password and sign-out pages. Thin: the work is in services."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts import services
from saferhub.accounts.decorators import public_page, sign_in_step
from saferhub.accounts.forms import CodeForm, EnrolForm, SignInForm
from saferhub.accounts.models import User
from saferhub.organisations.access import two_factor_required_for


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _user(request: HttpRequest) -> User:
    """The signed-in user (the sign-in middleware has already turned everyone else away)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("not signed in")
    return request.user


@public_page
def sign_in(request: HttpRequest) -> HttpResponse:
    """Username and password, throttled after repeated failures."""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.signin_attempt(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if result.user is not None:
            login(request, result.user, backend="saferhub.accounts.backends.MemberBackend")
            return redirect(_next_url(request))
        if result.locked_until is not None:
            local = timezone.localtime(result.locked_until)
            form.add_error(
                None,
                "You have entered the wrong details too many times. "
                f"Try again after {local:%H:%M} (UK time), or ask your administrator.",
            )
            status = 429
        else:
            form.add_error(None, "Enter a correct username and password")
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": _next_url(request),
            "expired": request.GET.get("expired") == "1",
        },
        status=status,
    )


@sign_in_step
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a backup code."""
    user = _user(request)
    if services.two_factor_device(user) is None:
        return redirect("accounts:two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_check(actor=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code", "The security code is not right, or has expired. Try the newest code"
        )
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@sign_in_step
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = _user(request)
    if services.two_factor_device(user) is not None and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing an authenticator needs the current one first.
        return redirect(
            f"{reverse('accounts:two-factor')}?next={reverse('accounts:two-factor-setup')}"
        )
    device: TOTPDevice | None = None
    device_id = request.session.get("enrolling_device_id")
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.two_factor_enrolment_start(actor=user)
        request.session["enrolling_device_id"] = device.pk
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_enrolment_confirm(
            actor=user, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            del request.session["enrolling_device_id"]
            otp_login(request, device)
            request.session["new_backup_codes"] = codes
            return HttpResponseRedirect(
                f"{reverse('accounts:backup-codes')}?next={_next_url(request)}"
            )
        form.add_error(
            "code", "The code is not right. Check the app shows SaferHub and try the newest code"
        )
    key = base64.b32encode(bytes(device.bin_key)).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, title="QR code to add SaferHub to your authenticator app"
            ),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "required": two_factor_required_for(user),
            "next": _next_url(request),
        },
    )


@sign_in_step
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, shown once."""
    codes = request.session.pop("new_backup_codes", None)
    if not codes:
        return redirect("accounts:settings")
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request)}
    )


def account_settings(request: HttpRequest) -> HttpResponse:
    """The member's own account: two-factor status and password."""
    user = _user(request)
    return render(
        request,
        "accounts/settings.html",
        {"device": services.two_factor_device(user), "required": two_factor_required_for(user)},
    )


@sign_in_step
def password_change(request: HttpRequest) -> HttpResponse:
    """Change your password (required after an administrator issues a temporary one)."""
    user = _user(request)
    form = PasswordChangeForm(user, request.POST or None)
    form.fields["old_password"].label = "Current password"
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = "At least 12 characters, not a common password."
    form.fields["new_password2"].label = "Confirm new password"
    if request.method == "POST" and form.is_valid():
        services.password_change(actor=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed")
        return redirect("web:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "temporary": user.must_change_password},
    )


@require_POST
@sign_in_step
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session."""
    services.signout_record(actor=_user(request))
    logout(request)
    return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?signed_out=1")
