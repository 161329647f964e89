"""Every page needs a signed-in member who has passed two-factor sign-in where required and
replaced any temporary password, except pages marked public or as sign-in steps; and a
signed-in session ends after the inactivity timeout (SessionActivityMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.backends import HAS_TWO_FACTOR_DEVICE, REQUIRES_TWO_FACTOR
from saferhub.accounts.services import session_expired_record, two_factor_device
from saferhub.organisations.access import membership_of, two_factor_required_for

# When the signed-in session was last renewed (seconds since the epoch), kept in the session.
LAST_RENEWED_KEY = "saferhub_renewed_at"


class SessionActivityMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    The session store renews a session's expiry (SESSION_COOKIE_AGE: the inactivity timeout)
    whenever it saves the session. Saving it on every request cost a database write per
    page; instead the session is marked changed, and so saved, when it was last renewed at
    least SESSION_RENEW_SECONDS ago (or changed for another reason). An idle session
    therefore ends between SESSION_RENEW_SECONDS before and exactly SESSION_IDLE_MINUTES
    after the member's last request: never later. The server enforces it (the session store
    refuses an expired session), whatever the browser sends.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:  # signed in
            now = int(timezone.now().timestamp())
            renewed = session.get(LAST_RENEWED_KEY)
            if (
                not isinstance(renewed, int)
                or not 0 <= now - renewed < settings.SESSION_RENEW_SECONDS
            ):
                session[LAST_RENEWED_KEY] = now
        return self.get_response(request)


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
        if not verified and (_two_factor_required(user) or _has_two_factor_device(user)):
            step = "accounts:two-factor" if two_factor_device(user) else "accounts:two-factor-setup"
            return HttpResponseRedirect(
                f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
            )
        if getattr(user, "must_change_password", False):
            return HttpResponseRedirect(reverse("accounts:password-change"))
        return None


def _two_factor_required(user: Any) -> bool:
    # Loaded with the user by accounts.backends.MemberBackend (one query per request).
    loaded = getattr(user, REQUIRES_TWO_FACTOR, None)
    return two_factor_required_for(
        user, partnership_requires=loaded if isinstance(loaded, bool) else None
    )


def _has_two_factor_device(user: Any) -> bool:
    loaded = getattr(user, HAS_TWO_FACTOR_DEVICE, None)
    if isinstance(loaded, bool):
        return loaded
    return two_factor_device(user) is not None
