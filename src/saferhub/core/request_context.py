"""The request being served: its id and client address, for audit events and logs.

A middleware sets them for the length of one request; services read them through
`current()` so the audit trail ties every event to the request that caused it without
threading the request object through every call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    """What the audit trail records about the request that caused an event."""

    request_id: str
    ip_address: str | None


_current: ContextVar[RequestContext | None] = ContextVar("saferhub_request", default=None)


def current() -> RequestContext | None:
    """The request being served, or None outside a request (commands, tests)."""
    return _current.get()


class RequestContextMiddleware:
    """Gives every request an id (also sent back as the X-Request-ID header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=uuid.uuid4().hex, ip_address=request.META.get("REMOTE_ADDR")
        )
        token = _current.set(context)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = context.request_id
        return response
