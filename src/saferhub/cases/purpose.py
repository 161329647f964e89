"""Purpose of access (issue 4, item 11): why a member is looking at personal data.

Before showing a person, case, incident or assessment, SaferHub asks the member why, once per
case (or per record when it is not seen through a case) per session, from a short list or in
their own words. The answer is kept in the session and every audited view carries it
(`audit_record(..., purpose=...)`), so the owner's supervisors can see who looked and why.

How a view uses it (after its access check, so a hidden record is still a plain 404)::

    case = access_case(request.user, case_id)
    purpose = purpose_for(request, "case", case.pk)
    if isinstance(purpose, HttpResponse):
        return purpose                      # a redirect to the purpose page
    case_view = selectors.case_detail(actor=request.user, case=case, purpose=purpose)

Records seen inside a case (a person on the case's people tab, an assessment of the case)
pass `case_id=` so the purpose given for the case covers them. `requires_purpose` is the same
as a decorator for views whose record id is a URL keyword argument; the decorated view gets
`purpose=` as an extra keyword argument.

Tests and other apps' code can set a purpose with `remember_purpose(request.session, scope,
purpose)`, the scope being `purpose_scope(record_type, record_id, case_id=None)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "saferhub_purposes"
MAX_PURPOSE_LENGTH = 200
MAX_REMEMBERED = 500  # a session holds at most this many answers (the oldest are dropped)

# The usual reasons, offered as radios; "Something else" takes free text.
PURPOSES: tuple[str, ...] = (
    "Managing this case",
    "Safeguarding concern",
    "MARAC research",
    "Supervision",
    "Responding to a referral",
    "Recording a new incident",
)

RECORD_TYPE_LABELS = {
    "case": "case",
    "person": "person's record",
    "group": "group",
    "incident": "incident",
    "place": "place",
    "assessment": "assessment",
    "marac_meeting": "MARAC meeting",
    "referral": "referral",
}


def purpose_scope(record_type: str, record_id: int | str, case_id: int | str | None = None) -> str:
    """The key a purpose is remembered under: the case when the record is seen through a case,
    otherwise the record itself ("case:12", "person:40")."""
    if case_id is not None:
        return f"case:{case_id}"
    return f"{record_type}:{record_id}"


def clean_purpose(text: str) -> str:
    """The purpose as stored: trimmed, single-spaced, at most 200 characters."""
    return " ".join(text.split())[:MAX_PURPOSE_LENGTH]


def remembered_purpose(session: MutableMapping[str, Any], scope: str) -> str | None:
    """The purpose given for this scope in this session, if any."""
    purposes = session.get(SESSION_KEY) or {}
    value = purposes.get(scope)
    return value if isinstance(value, str) and value else None


def remember_purpose(session: MutableMapping[str, Any], scope: str, purpose: str) -> None:
    """Keep the purpose for the rest of the session (the session ends on sign-out, after
    30 minutes idle, or when the browser closes)."""
    purposes = dict(session.get(SESSION_KEY) or {})
    purposes.pop(scope, None)
    purposes[scope] = clean_purpose(purpose)
    while len(purposes) > MAX_REMEMBERED:
        purposes.pop(next(iter(purposes)))
    session[SESSION_KEY] = purposes


def purpose_page_url(scope: str, next_url: str) -> str:
    """The page that asks for the purpose, returning to `next_url` afterwards."""
    return f"{reverse('purpose:ask')}?{urlencode({'scope': scope, 'next': next_url})}"


def safe_next(request: HttpRequest, next_url: str | None) -> str:
    """`next_url` if it points back into SaferHub, else the home page."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("web:home")


def purpose_for(
    request: HttpRequest,
    record_type: str,
    record_id: int | str,
    *,
    case_id: int | str | None = None,
) -> str | HttpResponseRedirect:
    """The purpose the member gave for this record (or its case) in this session, or a
    redirect to the page that asks for it and then returns to the current page.

    Call it after the access check, so a hidden record is a 404 before anything is asked.
    """
    scope = purpose_scope(record_type, record_id, case_id)
    purpose = remembered_purpose(request.session, scope)
    if purpose is not None:
        return purpose
    return HttpResponseRedirect(purpose_page_url(scope, request.get_full_path()))


def requires_purpose(
    record_type: str, id_kwarg: str, *, case_kwarg: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator form of `purpose_for`: the view receives `purpose=` or the member is sent to
    the purpose page first. Use it only where the view's access check cannot reveal more than
    a 404 would (the redirect happens before the view runs, for hidden and missing records
    alike, so it tells a prober nothing)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            case_id = kwargs.get(case_kwarg) if case_kwarg else None
            purpose = purpose_for(request, record_type, kwargs[id_kwarg], case_id=case_id)
            if isinstance(purpose, HttpResponse):
                return purpose
            return view(request, *args, purpose=purpose, **kwargs)

        return wrapped

    return decorate
