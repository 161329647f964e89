"""Home and error pages. Refusals (403, CSRF failures) are audited here, in one place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.audit.rules import Operation, Outcome
from saferhub.audit.services import audit_record
from saferhub.organisations.access import membership_of
from saferhub.organisations.rules import CAPABILITY_LABELS, capabilities_for


def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in member may do, by their role."""
    membership = membership_of(request.user)
    if membership is None:  # the sign-in middleware turns non-members away first
        raise PermissionDenied("not a member")
    capabilities = capabilities_for(membership.role)
    return render(
        request,
        "web/home.html",
        {
            "partnerships": membership.organisation.partnerships.all(),
            "capability_labels": [
                label for cap, label in CAPABILITY_LABELS.items() if cap in capabilities
            ],
        },
    )


def _error(request: HttpRequest, status: int, heading: str, *paragraphs: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"heading": heading, "paragraphs": paragraphs},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Sorry, there is a problem with that request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the member's role does not allow this. Audited as a refusal."""
    audit_record(
        actor=request.user,
        action="access.denied",
        operation=Operation.NONE,
        outcome=Outcome.REFUSED,
        payload={"path": request.path[:200], "method": request.method or ""},
    )
    return _error(
        request,
        403,
        "You do not have permission to see this page",
        "Your role does not allow this. If you need it for your work, ask your "
        "organisation's administrator.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct.",
        "If you followed a link to a record, it may not exist or you may not have access to it.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "heading": "Sorry, there is a problem with the service",
            "paragraphs": ["Try again later. Nothing you were saving has been half-saved."],
        },
        status=500,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token was missing or out of date. Audited; nothing changed."""
    audit_record(
        actor=request.user,
        action="access.csrf_failed",
        operation=Operation.NONE,
        outcome=Outcome.REFUSED,
        payload={"path": request.path[:200], "reason": reason[:200]},
    )
    return _error(
        request,
        403,
        "Your form could not be sent",
        "The page was open too long or was sent from somewhere else, so nothing was saved.",
        "Go back, reload the page and try again.",
    )
