"""Who reaches which performance page: every role x own / overseen / other partnership, and
restricted indicators never reach board members."""

from __future__ import annotations

from typing import Any

import pytest

from saferhub.organisations.rules import Capability as C
from saferhub.organisations.rules import Role, role_can
from saferhub.performance import rules
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESTRICTED_NAMES = ("MARAC referrals", "MARAC repeat referrals", "Channel referrals")


def sign_in(client: Any, membership: Any) -> Any:
    response = client.post(
        "/account/sign-in", {"username": membership.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("role", list(Role))
def test_every_role_own_overseen_and_other_partnership(
    client: Any,
    role: Role,
    organisations: Any,
    lindenshire: Any,
    member_in: Any,
    warehouse_settings: Any,
) -> None:
    sign_in(client, member_in(role, organisations["own"]))
    board = lindenshire["board"].slug
    overseen = lindenshire["csps"]["E22900002"].slug
    other = lindenshire["elsewhere"].slug
    may = role_can(role, C.VIEW_PERFORMANCE)
    for path, expected in (
        ("/performance/", 200 if may else 403),
        ("/performance/data-status/", 200 if may else 403),
        (f"/performance/{board}/", 200 if may else 403),
        (f"/performance/{overseen}/", 200 if may else 403),
        (f"/performance/{board}/indicators/burglary/", 200 if may else 403),
        (f"/performance/{board}/areas/E22900003/", 200 if may else 403),
        (f"/performance/{other}/", 404 if may else 403),
        (f"/performance/{other}/indicators/burglary/", 404 if may else 403),
        ("/performance/no-such-partnership/", 404 if may else 403),
        (f"/performance/{board}/indicators/no_such_indicator/", 404 if may else 403),
        (f"/performance/{board}/areas/E22000001/", 404 if may else 403),
    ):
        assert client.get(path).status_code == expected, (role, path)


def test_a_member_of_an_overseen_csp_does_not_see_the_board_or_sibling_csps(
    client: Any, lindenshire: Any, member_in: Any, warehouse_settings: Any
) -> None:
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation

    eskholm = lindenshire["csps"]["E22900003"]
    council = services.organisation_create(
        actor=None,
        name="Eskholm Borough Council",
        kind=Organisation.Kind.UNITARY_COUNCIL,
        partnerships=[eskholm],
    )
    sign_in(client, member_in(Role.ANALYST, council))
    assert client.get(f"/performance/{eskholm.slug}/").status_code == 200
    assert client.get(f"/performance/{lindenshire['board'].slug}/").status_code == 404
    sibling = lindenshire["csps"]["E22900001"].slug
    assert client.get(f"/performance/{sibling}/").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if role_can(r, C.VIEW_PERFORMANCE)])
def test_restricted_indicators_only_for_roles_that_handle_the_data(
    client: Any,
    role: Role,
    organisations: Any,
    lindenshire: Any,
    member_in: Any,
    warehouse_settings: Any,
) -> None:
    sign_in(client, member_in(role, organisations["own"]))
    board = lindenshire["board"].slug
    sees = rules.sees_restricted(role)
    pages = [
        f"/performance/{board}/",
        f"/performance/{board}/areas/E23900001/",
        f"/performance/{board}/areas/E22900001/",
        f"/performance/{lindenshire['csps']['E22900002'].slug}/",
        f"/performance/{board}/indicators/all_crime/",
    ]
    for path in pages:
        html = client.get(path).content.decode()
        for name in RESTRICTED_NAMES:
            if path.endswith("/all_crime/"):
                assert name not in html
            else:
                assert (name in html) == sees, (role, path, name)
    for indicator in ("marac_referrals", "marac_repeat_referrals", "channel_referrals"):
        response = client.get(f"/performance/{board}/indicators/{indicator}/")
        assert response.status_code == (200 if sees else 404), (role, indicator)


def test_board_members_never_see_restricted_figures() -> None:
    assert not rules.sees_restricted(Role.BOARD_MEMBER)
    assert not rules.sees_restricted(Role.PARTNERSHIP_ADMINISTRATOR)
    assert rules.sees_restricted(Role.ANALYST)
    assert rules.sees_restricted(Role.MARAC_COORDINATOR)
    assert rules.sees_restricted(Role.TEAM_MANAGER)
