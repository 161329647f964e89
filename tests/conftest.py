"""Shared fixtures: where the real open data lives (../shared/data, never copied here)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The real police.uk and ONS data beside the repository (see its SOURCES.md)."""
    return Path(os.environ.get("SAFERHUB_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not (path / "SOURCES.md").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the shared open data is missing at {path}: CI must have it")
        pytest.skip(f"the shared open data is not at {path} (set SAFERHUB_SHARED_DATA)")
    return path


# --- Django fixtures: organisations and members built through the real services ---------

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def partnership(db: None) -> Any:
    from saferhub.organisations import services
    from saferhub.organisations.models import Partnership

    return services.partnership_create(
        actor=None,
        name="Testshire Community Safety Partnership",
        kind=Partnership.Kind.CSP,
        require_two_factor=False,
    )


@pytest.fixture
def organisations(partnership: Any) -> dict[str, Any]:
    """Two organisations in one partnership: 'own' and 'other'."""
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation

    return {
        "own": services.organisation_create(
            actor=None,
            name="Testshire District Council",
            kind=Organisation.Kind.DISTRICT_COUNCIL,
            partnerships=[partnership],
        ),
        "other": services.organisation_create(
            actor=None,
            name="Testshire Police",
            kind=Organisation.Kind.POLICE_FORCE,
            partnerships=[partnership],
        ),
    }


@pytest.fixture
def make_member(organisations: dict[str, Any]) -> Callable[..., Any]:
    """make_member(role, org='own', username=None) -> Membership, password PASSWORD."""
    from saferhub.organisations import services
    from saferhub.organisations.rules import Role

    counter = iter(range(1, 10_000))

    def make(role: Role | str, org: str = "own", username: str | None = None) -> Any:
        role = Role(role)
        name = username or f"{role.value.replace('_', '-')}-{org}-{next(counter)}"
        membership, _ = services.member_add(
            actor=None,
            organisation=organisations[org],
            username=name,
            first_name="Test",
            last_name=role.label,
            email=f"{name}@example.test",
            role=role,
            password=PASSWORD,
        )
        return membership

    return make


@pytest.fixture
def signed_in(client: Any, make_member: Callable[..., Any]) -> Callable[..., Any]:
    """signed_in(role, org='own') -> (client, membership), signed in through the real page."""

    def sign_in(role: str, org: str = "own") -> tuple[Any, Any]:
        membership = make_member(role, org)
        response = client.post(
            "/account/sign-in", {"username": membership.user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.content[:500]
        return client, membership

    return sign_in
