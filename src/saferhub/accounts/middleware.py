"""Every page needs a signed-in member who has passed two-factor sign-in where required and
replaced any temporary password, except pages marked public or as sign-in steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from saferhub.accounts.services import session_expired_record, two_factor_device
from saferhub.organisations.access import membership_of, two_factor_required_for


class SignInRequiredMiddleware:
    """Sends anyone not fully signed in to the right step of signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if getattr(view_func, "saferhub_public", False):
            return None
        user = request.user
        if not user.is_authenticated:
            query = {"next": request.get_full_path()}
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # The browser still holds a session cookie the server no longer honours.
                session_expired_record(path=request.path)
                query["expired"] = "1"
            return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{urlencode(query)}")
        if membership_of(user) is None:
            logout(request)
            return HttpResponseRedirect(reverse("accounts:sign-in"))
        if getattr(view_func, "saferhub_sign_in_step", False):
            return None
        verified = getattr(user, "is_verified", lambda: False)()
        if not verified and (two_factor_required_for(user) or two_factor_device(user)):
            step = "accounts:two-factor" if two_factor_device(user) else "accounts:two-factor-setup"
            return HttpResponseRedirect(
                f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
            )
        if getattr(user, "must_change_password", False):
            return HttpResponseRedirect(reverse("accounts:password-change"))
        return None
