"""Marks on views that the sign-in middleware reads: which pages need no sign-in, and which
are steps of signing in (two-factor, changing a temporary password)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def public_page(view: F) -> F:
    """The page needs no sign-in (sign-in itself, published reports)."""
    view.saferhub_public = True  # type: ignore[attr-defined]
    return view


def sign_in_step(view: F) -> F:
    """The page is part of signing in: reachable before two-factor and password checks pass."""
    view.saferhub_sign_in_step = True  # type: ignore[attr-defined]
    return view
